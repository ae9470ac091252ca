"""Between the check page and the submission, at ``/checkout/[code]``: choose how to receive
the result, confirm or pay, see where the payment stands.

The rules are ``app.flow.checkout`` (its :func:`~app.flow.checkout.stage` reads a stored
checkout and its order), ``payment`` and ``delivery``. Each function takes the request context,
the :class:`~app.journeys.checkout_views.CheckoutTab` and the event's input, authorizes the
citizen (:func:`app.journeys.session.citizen`: only their own checkout of this item is ever
read) and returns a :class:`~app.journeys.checkout_views.CheckoutView`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from app.adapters.cashier import CashierError
from app.adapters.identity import mask_phone
from app.catalogue.i18n import content_for, content_text
from app.catalogue.queries import get_item
from app.context import RequestContext
from app.domain.service_item import ServiceItem
from app.flow import backoffice, checkout, delivery, payment, store
from app.flow.checkout_tables import Checkout, PaymentOrder
from app.flow.payment_http import NOTIFY_PATH
from app.journeys.blocking import Blocking
from app.journeys.checkout_views import (
    ERROR_SUMMARY_ID,
    HEADING_ID,
    CheckoutError,
    CheckoutTab,
    CheckoutView,
    DivisionOption,
    FeeRow,
    money,
)
from app.journeys.next_step import Focus
from app.journeys.session import citizen
from app.text import is_local, source_text
from app.text import st as t

#: the delivery form's fields -> the id the error summary links to
TARGETS = {
    "method": "d-method-collect",
    "recipient": "d-recipient",
    "phone": "d-phone",
    "division": "d-division",
    "detail": "d-detail",
}


def _unreachable() -> str:
    return t("暂时无法连接统一支付平台。您的申请和订单都已保存，没有扣款，请稍后重试。")


def _notice(stage: str | None) -> str:
    """What the page says about an order in this stage ("" for none)."""
    if stage == "unreachable":
        return _unreachable()
    if stage == "cancelled":
        return t("您已取消支付，没有扣款。申请草稿已保留，可以重新支付。")
    if stage == "failed":
        return t("支付没有成功，没有扣款。请换一种支付方式或稍后重新支付。")
    if stage == "timeout":
        return t("支付超时，订单已关闭，没有扣款。申请草稿已保留，请重新支付。")
    return ""


class _Event:
    """One event's changes to the page, over the tab it started from."""

    def __init__(self, ctx: RequestContext, tab: CheckoutTab) -> None:
        self.ctx, self.tab = ctx, tab
        self.changes: dict[str, Any] = {}
        self.code = tab.code.strip()[:80]

    def get(self, name: str) -> Any:
        return self.changes.get(name, getattr(self.tab, name))

    def set(self, **changes: Any) -> None:
        self.changes.update(changes)

    def view(self, focus: Focus | None = None, redirect: str | None = None) -> CheckoutView:
        return CheckoutView(**self.changes, focus=focus, redirect=redirect)

    def item(self) -> ServiceItem | None:
        return get_item(self.code) if self.code else None

    def content(self, text: str) -> str:
        """A catalogue text in every locale of the province (app/catalogue/i18n.py)."""
        return content_text(text, content_for(self.ctx.province.folder))

    def latest(self, owner: str) -> Checkout | None:
        return checkout.latest(owner, self.get("item_code"))

    # -- what is stored, shown -----------------------------------------------------------------
    def fill_item(self, item: ServiceItem) -> None:
        lines = payment.fees_of(item)
        self.set(
            item_code=item.implementation_code,
            item_name=self.content(item.name),
            fees=tuple(FeeRow(self.content(line.name), money(line.amount)) for line in lines),
            total_text=money(payment.total(lines)),
        )
        hall = delivery.hall_of(item)
        if hall is not None:
            self.set(hall_name=hall.name, hall_address=hall.address)
            self.set(hall_hours=hall.hours, hall_phone=hall.phone)
            # the identity card line is already a local text; the materials are catalogue text
            self.set(bring=tuple(b if is_local(b) else self.content(b) for b in hall.bring))

    def fill_delivery(self, owner: str, row: Checkout) -> None:
        choice = row.delivery or {}
        self.set(method=str(choice.get("method", "")))
        # the method in the citizen's language; the address or hall is data, shown as it is
        if choice.get("method") == "express":
            self.set(delivery_text=t("快递送达"), delivery_place=delivery.address_text(choice))
        elif choice.get("method") == "collect":
            self.set(delivery_text=t("窗口领取"), delivery_place=self.get("hall_name"))
        else:
            self.set(delivery_text="", delivery_place="")
        source = choice if choice.get("method") == "express" else delivery.last_address(owner)
        phone, chosen = str(source.get("phone", "")), str(source.get("division", ""))
        self.set(recipient=str(source.get("recipient", "")), detail=str(source.get("detail", "")))
        self.set(prefill_phone=phone, phone_shown=mask_phone(phone) if phone else "")
        self.set(
            divisions=tuple(
                DivisionOption(code, name, code == chosen)
                for code, name in delivery.options(self.ctx.province.prefix)
            )
        )

    def done(self, order: PaymentOrder | None) -> None:
        self.set(stage="done")
        if order is not None:
            self.set(application_number=order.application_number, receipt_no=order.receipt_no)
            self.set(paid_text=t("已缴费 {amount}", amount=money(order.amount)))

    def route(self, owner: str) -> tuple[Checkout | None, PaymentOrder | None]:
        """The page of what is stored: the item, the checkout, its order and their stage."""
        item = self.item()
        if item is None:
            self.set(stage="missing")
            return None, None
        self.fill_item(item)
        row = self.latest(owner)
        if row is None:
            self.set(stage="missing")
            return None, None
        assert row.id is not None
        self.set(needs_payment=row.needs_payment, needs_delivery=row.needs_delivery)
        self.fill_delivery(owner, row)
        order = payment.current(owner, row.id) if row.needs_payment else None
        stage = checkout.stage(row, order)
        if row.application_number:
            self.set(application_number=row.application_number)
        elif stage not in ("delivery", "confirm"):  # where the payment stands
            self.set(notice=_notice(stage))
        if stage == "done":
            self.done(order)
        elif stage is not None:
            self.set(stage=stage)
        return row, order

    def load(self) -> PaymentOrder | None:
        """The page afresh (database work); the open order to ask the cashier about."""
        self.set(errors=(), field_errors={}, application_number="", receipt_no="", paid_text="")
        ident = citizen(self.ctx)
        if ident is None:
            self.set(stage="signin")
            if (item := self.item()) is not None:
                self.set(item_code=item.implementation_code, item_name=self.content(item.name))
            return None
        _row, order = self.route(ident.sub)
        return order if order is not None and order.status == "open" else None

    async def reconcile(self, order: PaymentOrder) -> None:
        """An open order and no notification yet: ask the cashier (signed, server to server)."""
        client = payment.payment_client()
        if client is None:
            return
        try:
            await payment.reconcile(client, order)
        except CashierError:
            self.set(notice=t("暂时无法查询支付结果，请稍后刷新。"))


# -- events --------------------------------------------------------------------------------------
async def load(ctx: RequestContext, tab: CheckoutTab, *, run: Blocking) -> CheckoutView:
    """The page opened (or the citizen came back from the cashier)."""
    e = _Event(ctx, tab)
    e.set(stage="loading")
    if (order := await run(e.load)) is not None:
        await e.reconcile(order)
        await run(e.load)
    return e.view()


def sign_in(code: str) -> str:
    """Where the login brings the citizen back to."""
    return f"{checkout.ROUTE}/{code.strip()[:80]}"


def chosen_method(method: str) -> str:
    """The delivery radio changed: the method to show the fields of (no database work)."""
    return method if method in delivery.METHODS else ""


def choose_delivery(
    ctx: RequestContext, tab: CheckoutTab, form_data: Mapping[str, Any]
) -> CheckoutView:
    """Keep the delivery choice (checked; the masked prefilled phone stands for the stored one)."""
    e = _Event(ctx, tab)
    ident = citizen(ctx)
    if ident is None:
        e.set(stage="signin")
        return e.view()
    row = e.latest(ident.sub)
    if row is None or row.application_number or not row.needs_delivery:
        e.route(ident.sub)
        return e.view()
    data = {str(k): str(v)[:200] for k, v in form_data.items()}
    if data.get("method") == "express" and data.get("phone") == tab.phone_shown:
        data["phone"] = tab.prefill_phone  # the masked prefill was left as it was
    choice, errors = delivery.check_choice(ctx.province.prefix, data)
    if errors:
        e.set(field_errors=errors, method=data.get("method", ""))
        e.set(errors=tuple(CheckoutError(m, TARGETS[k]) for k, m in errors.items()))
        return e.view(Focus(ERROR_SUMMARY_ID))
    if choice["method"] == "collect":
        item = e.item()
        hall = delivery.hall_of(item) if item else None
        if hall is not None:
            choice["hall"] = hall.name
    assert row.id is not None
    checkout.choose_delivery(ident.sub, row.id, choice)
    e.set(errors=(), field_errors={})
    e.route(ident.sub)
    return e.view(Focus(HEADING_ID))


def change_delivery(ctx: RequestContext, tab: CheckoutTab) -> CheckoutView:
    """修改: the delivery form again, while the application is not submitted."""
    e = _Event(ctx, tab)
    ident = citizen(ctx)
    if ident is None:
        e.set(stage="signin")
        return e.view()
    row = e.latest(ident.sub)
    if row is not None and not row.application_number and row.needs_delivery:
        e.set(stage="delivery")
    return e.view(Focus(HEADING_ID))


def _confirm(e: _Event) -> str:
    """The submission (database work); the owner when it went in, else ''."""
    ident = citizen(e.ctx)
    if ident is None:
        e.set(stage="signin")
        return ""
    row = e.latest(ident.sub)
    if row is None or row.id is None:
        e.set(stage="missing")
        return ""
    try:
        e.set(application_number=checkout.submit_unpaid(ident.sub, row.id))
    except (store.NotFound, store.Refused):
        e.route(ident.sub)
        return ""
    e.route(ident.sub)
    return ident.sub


async def confirm(ctx: RequestContext, tab: CheckoutTab, *, run: Blocking) -> CheckoutView:
    """Submit an item that needs no payment once its delivery is chosen, then hand it to the
    back office (queued in its outbox if that fails, as on the check page)."""
    e = _Event(ctx, tab)
    if submitted := await run(_confirm, e):
        await backoffice.sync(submitted, pull_changes=False)
    return e.view(Focus(HEADING_ID))


def _prepare_order(e: _Event) -> tuple[PaymentOrder, str] | None:
    ident = citizen(e.ctx)
    if ident is None:
        e.set(stage="signin")
        return None
    row, _order = e.route(ident.sub)
    if row is None or not row.needs_payment or e.get("stage") in ("done", "delivery"):
        return None
    item = e.item()
    if item is None:
        e.set(stage="missing")
        return None
    # the amounts come from the catalogue's fee items, never from the page
    order, _new = payment.open_order(ident.sub, row, payment.fees_of(item))
    # the order's subject goes to the cashier: Chinese, as the catalogue names the fees
    names = "、".join(line.name for line in payment.fees_of(item))
    return order, source_text("{item}：{fees}", item=item.name, fees=names)


async def pay(ctx: RequestContext, tab: CheckoutTab, origin: str, *, run: Blocking) -> CheckoutView:
    """去支付 / 重新支付: one open order per application (a double tap finds it again); the
    cashier's page is on another host (``redirect``). ``origin``: the page's own origin, for
    the cashier's return and notification addresses unless ``YIWANG_PUBLIC_URL`` is set."""
    e = _Event(ctx, tab)
    prepared = await run(_prepare_order, e)
    if prepared is None:
        return e.view(Focus(HEADING_ID))
    order, subject = prepared
    if order.status == "open" and order.pay_url:
        return e.view(redirect=order.pay_url)
    client = payment.payment_client()
    if client is None:
        e.set(stage="unreachable", notice=t("统一支付暂未开通，请稍后再试或到窗口缴费。"))
        return e.view(Focus(HEADING_ID))
    origin = os.environ.get("YIWANG_PUBLIC_URL", "").rstrip("/") or origin
    back = f"{origin}{checkout.ROUTE}/{e.get('item_code')}?order={order.order_no}"
    try:
        order = await payment.send(
            client, order, subject, notify_url=origin + NOTIFY_PATH, return_url=back
        )
    except CashierError:
        e.set(stage="unreachable", notice=_unreachable())
        return e.view(Focus(HEADING_ID))
    if order.status == "open" and order.pay_url:
        return e.view(redirect=order.pay_url)
    await run(e.load)
    return e.view(Focus(HEADING_ID))


async def check_result(ctx: RequestContext, tab: CheckoutTab, *, run: Blocking) -> CheckoutView:
    """我已支付，刷新结果: ask the cashier about the open order (signed answer only)."""
    e = _Event(ctx, tab)
    if (order := await run(e.load)) is not None:
        await e.reconcile(order)
        await run(e.load)
        if e.get("stage") == "waiting" and not e.get("notice"):
            e.set(notice=t("还没有收到支付结果。如果您已经付款，请稍候再刷新。"))
    return e.view(Focus(HEADING_ID))
