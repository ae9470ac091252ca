"""Service items as the pages show them: display-ready views, in the order citizens need them.

Everything a citizen reads is formatted here, on the server, with Babel (time limits, fees) and
gettext, so the state sent to the phone is small and the page renders without logic.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from app.catalogue.i18n import CatalogueContent, base_content, content_text, summary_text
from app.domain.enums import ChannelKind, Necessity
from app.domain.service_item import Channel, Material, ServiceItem, TimeLimit
from app.text import N_, sjoin
from app.text import snt as nt
from app.text import st as t
from app.text.format import local_fee, local_time_limit

#: the values of the catalogue's code lists (app/domain/enums.py) a guide shows, as message
#: ids (tests/catalogue/test_presenters.py checks every enum value is here)
ENUM_MESSAGES = (
    N_("行政许可"), N_("行政给付"), N_("行政确认"), N_("行政检查"), N_("行政奖励"),
    N_("行政裁决"), N_("其他行政权力"), N_("公共服务"),
    N_("个人"), N_("法人"),
    N_("国家级"), N_("省级"), N_("市级"), N_("县级"), N_("乡级"),
    N_("一级"), N_("二级"), N_("三级"), N_("四级"),
    N_("原件"), N_("复印件"), N_("电子件"),
    N_("申请人自备"), N_("政府部门核发"), N_("政务共享"), N_("中介机构"),
    N_("电话"), N_("网站"), N_("窗口"), N_("移动端"), N_("信函"), N_("电子邮件"),
)  # fmt: skip


def enum_text(value: object) -> str:
    """A code-list value (行政许可, 原件 …) as a local text."""
    return t(str(value))


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
    summary: str = ""
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
    return ChannelView(kind=enum_text(channel.kind), value=channel.value, href=href)


def _material(material: Material, content: CatalogueContent) -> MaterialView:
    forms = sjoin("、", [enum_text(f) for f in material.form])
    detail = t("{forms} {copies} 份 · {source}", forms=forms, copies=material.copies,
               source=enum_text(material.source))  # fmt: skip
    labels = {
        Necessity.REQUIRED: t("必要"),
        Necessity.CONDITIONAL: t("视情况提交"),
        Necessity.DEFERRABLE: t("可容缺后补"),
    }
    return MaterialView(
        name=content_text(material.name, content),
        necessity=labels[material.necessity],
        condition=content_text(material.condition or "", content),
        detail=detail,
        notes=content_text(material.notes or "", content),
        e_licence=material.e_licence,
        blank_form_url=material.blank_form_url or "",
        sample_url=material.sample_url or "",
    )


def guide_view(item: ServiceItem, content: CatalogueContent | None = None) -> GuideView:
    """The guide of one item, every element formatted for reading, in every shipped locale
    (catalogue texts from ``content``, the province's translations; Chinese where none)."""
    content = content or base_content()
    c = lambda text: content_text(text, content)  # noqa: E731
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
        fee_summary = t(
            "收费，合计 {total}", total=format_money(sum((f.amount for f in item.fees), Decimal(0)))
        )
    else:
        fee_summary = t("不收费")
    return GuideView(
        code=item.implementation_code,
        name=c(item.name),
        summary=summary_text(item.name, content),
        department=c(item.department),
        item_type=enum_text(item.item_type),
        level=enum_text(item.level),
        audience=enum_text(item.audience),
        online=item.online,
        online_summary=(
            t("可在网上申请（{depth}网办深度）", depth=enum_text(item.online_depth))
            if item.online
            else t("暂不支持网上申请，请到办事大厅办理")
        ),
        visits_summary=visits_summary(item.visits),
        promised_limit=format_limit(item.promised_limit),
        statutory_limit=format_limit(item.statutory_limit),
        fee_summary=fee_summary,
        fees=[FeeView(c(f.name), format_money(f.amount), c(f.basis)) for f in item.fees],
        materials=[_material(m, content) for m in item.materials],
        steps=[StepView(c(s.name), c(s.description)) for s in item.steps],
        halls=[HallView(c(h.name), c(h.address), c(h.hours), h.phone or "") for h in item.halls],
        consultation=[_channel(c) for c in item.consultation],
        complaint=[_channel(c) for c in item.complaint],
        services=services,
        acceptance_conditions=c(item.acceptance_conditions),
        legal_basis=[c(b) for b in item.legal_basis],
    )


def item_summary(item: ServiceItem, content: CatalogueContent | None = None) -> ItemSummary:
    content = content or base_content()
    return ItemSummary(
        code=item.implementation_code,
        name=content_text(item.name, content),
        department=content_text(item.department, content),
        level=enum_text(item.level),
        online=item.online,
        visits_summary=visits_summary(item.visits),
    )
