"""The consistency rules between elements of one record and its online application (reported
and scored apart from the elements, docs/conformance.md): online depth against visits, an
online application for 三级/四级, a delivery step for express delivery, a payment step and fees
for online payment."""

from __future__ import annotations

from app.domain.enums import OnlineDepth
from conformance.findings import Checker
from conformance.inputs import OnlineForm


def check_consistency(c: Checker) -> None:
    data, form = c.data, c.ctx.form
    depth, visits = data.get("online_depth"), data.get("visits")
    code = str(data.get("basic_code") or "<basic code>")

    def depth_vs_visits() -> str | None:
        if not isinstance(visits, int):
            return None  # the element check reports it
        if depth == OnlineDepth.FULL and visits != 0:
            return (
                f"online_depth 四级 (fully online) but visits = {visits} || set `visits` to 0 "
                "or `online_depth` to 三级"
            )
        if visits == 0 and depth != OnlineDepth.FULL:
            return (
                f"visits = 0 (no visit) but online_depth = {depth} || set `online_depth` to 四级 "
                "or `visits` to the visits needed"
            )
        if depth == OnlineDepth.APPLY and visits > 1:
            return (
                f"online_depth 三级 allows at most one visit, visits = {visits} || lower `visits` "
                "or `online_depth`"
            )
        if depth in (OnlineDepth.INFO, OnlineDepth.DOWNLOAD) and visits == 0:
            return f"online_depth {depth} cannot be handled without a visit || set `visits` to at least 1"
        return None

    def application() -> str | None:
        if depth in (OnlineDepth.APPLY, OnlineDepth.FULL) and form is None:
            return (
                f"online_depth {depth} but the item has no online application || add "
                f"{c.ctx.forms_hint.format(code=code)} to the province folder, or lower "
                "`online_depth` to 二级"
            )
        return None

    def delivery() -> str | None:
        if data.get("express_delivery") is True and form and "delivery" not in form.steps:
            return (
                f"express_delivery is true but the online application ({_name(form)}) has no "
                f"delivery step || add a delivery step to {_name(form)}, or set "
                "`express_delivery` to false"
            )
        return None

    def payment() -> str | None:
        fee, pay = data.get("fee_required"), data.get("online_payment")
        if pay is True and fee is not True:
            return (
                "online_payment is true but the item charges no fee || set `online_payment` to "
                "false, or list the fees and set `fee_required`"
            )
        if pay is True and form and "payment" not in form.steps:
            return (
                f"online_payment is true but the online application ({_name(form)}) has no "
                f"payment step || add a payment step to {_name(form)}, or set `online_payment` "
                "to false"
            )
        if fee is True and depth == OnlineDepth.FULL and pay is not True:
            return (
                "fees are charged on a fully online (四级) item without online payment || set "
                "`online_payment` to true (and add a payment step) or `online_depth` to 三级"
            )
        return None

    c.rule("visits", depth_vs_visits)
    c.rule("online_depth", application)
    c.rule("express_delivery", delivery)
    c.rule("online_payment", payment)


def _name(form: OnlineForm) -> str:
    return form.file.name if form.file else "the derived application"
