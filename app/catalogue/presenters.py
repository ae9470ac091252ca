"""Service items as the pages show them: display-ready views, in the order citizens need them.

Everything a citizen reads is formatted here, on the server, with Babel (time limits, fees) and
gettext, so the state sent to the phone is small and the page renders without logic.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from app.domain.enums import ChannelKind, Necessity
from app.domain.service_item import Channel, Material, ServiceItem, TimeLimit
from components.format import local_fee, local_time_limit
from components.i18n import snt as nt
from components.i18n import st as t


@dataclasses.dataclass
class MaterialView:
    name: str = ""
    necessity: str = ""
    condition: str = ""
    detail: str = ""
    notes: str = ""
    e_licence: bool = False
    blank_form_url: str = ""
    sample_url: str = ""


@dataclasses.dataclass
class FeeView:
    name: str = ""
    amount: str = ""
    basis: str = ""


@dataclasses.dataclass
class StepView:
    name: str = ""
    description: str = ""


@dataclasses.dataclass
class HallView:
    name: str = ""
    address: str = ""
    hours: str = ""
    phone: str = ""


@dataclasses.dataclass
class ChannelView:
    kind: str = ""
    value: str = ""
    href: str = ""


@dataclasses.dataclass
class GuideView:
    code: str = ""
    name: str = ""
    department: str = ""
    item_type: str = ""
    level: str = ""
    audience: str = ""
    online: bool = False
    online_summary: str = ""
    visits_summary: str = ""
    promised_limit: str = ""
    statutory_limit: str = ""
    fee_summary: str = ""
    fees: list[FeeView] = dataclasses.field(default_factory=list)
    materials: list[MaterialView] = dataclasses.field(default_factory=list)
    steps: list[StepView] = dataclasses.field(default_factory=list)
    halls: list[HallView] = dataclasses.field(default_factory=list)
    consultation: list[ChannelView] = dataclasses.field(default_factory=list)
    complaint: list[ChannelView] = dataclasses.field(default_factory=list)
    services: list[str] = dataclasses.field(default_factory=list)
    acceptance_conditions: str = ""
    legal_basis: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ItemSummary:
    code: str = ""
    name: str = ""
    department: str = ""
    level: str = ""
    online: bool = False
    visits_summary: str = ""


def format_limit(limit: TimeLimit | None) -> str:
    if limit is None:
        return ""
    return local_time_limit(limit.value, str(limit.unit))


def format_money(amount: Decimal) -> str:
    return local_fee(amount)


def visits_summary(visits: int) -> str:
    if visits == 0:
        return t("全程网办，无需到现场")
    return nt("最多跑 {n} 次", "最多跑 {n} 次", visits)


def _channel(channel: Channel) -> ChannelView:
    href = ""
    digits = "".join(ch for ch in channel.value if ch.isdigit() or ch == "-")
    if channel.kind is ChannelKind.PHONE and len(digits.replace("-", "")) >= 5:
        href = f"tel:{digits.replace('-', '')[:12]}"
    return ChannelView(kind=str(channel.kind), value=channel.value, href=href)


def _material(material: Material) -> MaterialView:
    forms = "、".join(str(f) for f in material.form)
    detail = t("{forms} {copies} 份 · {source}", forms=forms, copies=material.copies,
               source=str(material.source))  # fmt: skip
    labels = {
        Necessity.REQUIRED: t("必要"),
        Necessity.CONDITIONAL: t("视情况提交"),
        Necessity.DEFERRABLE: t("可容缺后补"),
    }
    return MaterialView(
        name=material.name,
        necessity=labels[material.necessity],
        condition=material.condition or "",
        detail=detail,
        notes=material.notes or "",
        e_licence=material.e_licence,
        blank_form_url=material.blank_form_url or "",
        sample_url=material.sample_url or "",
    )


def guide_view(item: ServiceItem) -> GuideView:
    """The guide of one item, every element formatted for reading."""
    services = [
        label
        for flag, label in (
            (item.online_payment, t("支持网上缴费")),
            (item.express_delivery, t("支持快递送达")),
            (item.appointment, t("支持预约办理")),
            (item.cross_province, t("支持跨省通办")),
        )
        if flag
    ]
    if item.fee_required:
        fee_summary = t("收费，合计 {total}", total=format_money(sum(f.amount for f in item.fees)))
    else:
        fee_summary = t("不收费")
    return GuideView(
        code=item.implementation_code,
        name=item.name,
        department=item.department,
        item_type=str(item.item_type),
        level=str(item.level),
        audience=str(item.audience),
        online=item.online,
        online_summary=(
            t("可在网上申请（{depth}网办深度）", depth=str(item.online_depth))
            if item.online
            else t("暂不支持网上申请，请到办事大厅办理")
        ),
        visits_summary=visits_summary(item.visits),
        promised_limit=format_limit(item.promised_limit),
        statutory_limit=format_limit(item.statutory_limit),
        fee_summary=fee_summary,
        fees=[FeeView(f.name, format_money(f.amount), f.basis) for f in item.fees],
        materials=[_material(m) for m in item.materials],
        steps=[StepView(s.name, s.description) for s in item.steps],
        halls=[HallView(h.name, h.address, h.hours, h.phone or "") for h in item.halls],
        consultation=[_channel(c) for c in item.consultation],
        complaint=[_channel(c) for c in item.complaint],
        services=services,
        acceptance_conditions=item.acceptance_conditions,
        legal_basis=list(item.legal_basis),
    )


def item_summary(item: ServiceItem) -> ItemSummary:
    return ItemSummary(
        code=item.implementation_code,
        name=item.name,
        department=item.department,
        level=str(item.level),
        online=item.online,
        visits_summary=visits_summary(item.visits),
    )
