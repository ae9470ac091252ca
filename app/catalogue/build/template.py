"""The shape of a compact per-service template and its small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ID_CARD = "申请人居民身份证"


@dataclass(frozen=True, slots=True)
class Template:
    """One service as it is handled in most places; places are filled in by the builder."""

    key: str
    name: str
    item_type: str
    audience: str
    dept: str
    level: str  # 省级 / 市级 / 县级: where it is usually handled
    themes: tuple[str, ...]
    keywords: tuple[str, ...]
    basis: tuple[str, ...]
    conditions: str
    materials: tuple[dict[str, Any], ...]
    steps: tuple[tuple[str, str], ...]
    statutory: str | None  # "20工作日", "60自然日", "即办" or None
    promised: str
    fees: tuple[tuple[str, str, str], ...] = ()
    visits: int = 1
    depth: str = "三级"
    popularity: int = 100
    payment: bool = False
    delivery: bool = False
    appointment: bool = False
    cross_province: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def m(
    name: str,
    form: str = "原件",
    *,
    need: str = "必要",
    when: str | None = None,
    source: str = "申请人自备",
    e: bool = False,
    copies: int = 1,
    notes: str | None = None,
    blank: bool = False,
) -> dict[str, Any]:
    """A material; ``form`` may join several forms with '+' (原件+复印件)."""
    material: dict[str, Any] = {
        "name": name,
        "necessity": need,
        "form": form.split("+"),
        "copies": copies,
        "source": source,
        "e_licence": e,
    }
    if when:
        material["condition"] = when
    if notes:
        material["notes"] = notes
    if "复印件" in form:
        material["paper_size"] = "A4"
    if blank:
        material["blank_form_url"] = f"/forms/{name}.pdf"
        material["sample_url"] = f"/forms/{name}-样表.pdf"
    return material


def limit(text: str) -> dict[str, Any]:
    """``"20工作日"`` → ``{"value": 20, "unit": "工作日"}``; ``"即办"`` → value 0."""
    if text == "即办":
        return {"value": 0, "unit": "即办"}
    return {"value": int(text[:-3]), "unit": text[-3:]}


ID = m(ID_CARD, "原件", source="政府部门核发", e=True, notes="现场核验，不收取复印件")
HUKOU = m("居民户口簿", "原件", source="政府部门核发", e=True)
LICENCE = m("营业执照", "原件+复印件", source="政府部门核发", e=True)
PROXY = m(
    "授权委托书及受托人身份证件",
    "原件",
    need="非必要",
    when="委托他人代为办理的",
    blank=True,
)

STEPS_COUNTER = (
    ("申请", "申请人通过网上或到窗口提交申请材料。"),
    ("受理", "窗口工作人员核验材料，材料齐全、符合法定形式的当场受理。"),
    ("审核", "承办机构对申请材料进行审查，必要时进行核实。"),
    ("办结", "作出决定并通过窗口领取或邮寄送达结果。"),
)
STEPS_ONLINE = (
    ("网上申请", "登录政务服务平台或移动端，实名认证后在线填写并提交。"),
    ("审核", "经办机构在线审核，审核结果通过短信和消息中心告知。"),
    ("办结", "结果在线送达，可在“我的办件”中查看。"),
)
STEPS_IMMEDIATE = (
    ("申请", "携带材料到窗口或在线提交。"),
    ("受理并办结", "材料齐全的当场办结。"),
)
