"""Catalogue conformance: every GB/T 39554.2 element of every item, and the consistency rules.

:func:`check_record` takes one raw record (as the catalogue readers yield it) and returns an
:class:`ItemResult`: how many element checks and consistency checks it was put through, and a
:class:`Finding` for each that failed, naming the file, the record, the field, what is wrong and
what to change. Element checks read the record itself (not the parsed model) so that a missing
element is reported as missing even where the model would fill in a default; the model's own
validation runs too, so nothing the loader refuses is called conformant.

Consistency rules (reported, scored separately, see docs/conformance.md):

* online depth against visits: 四级 means 0 visits and 0 visits means 四级; 三级 at most one
  visit (to collect the result); 一级/二级 at least one visit;
* online depth 三级/四级 needs an online application;
* express delivery (快递送达) with an online application needs a delivery step in it;
* online payment needs fees; online payment with an online application needs a payment step;
  fees on a fully online (四级) item need online payment (nobody comes to the counter to pay).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.conformance.inputs import OnlineForm
from app.domain.codes import (
    area_level,
    parse_implementation_code,
    validate_area_code,
    validate_basic_code,
    validate_uscc,
)
from app.domain.enums import (
    Audience,
    BodyNature,
    ChannelKind,
    ItemType,
    Level,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    TimeUnit,
)
from app.domain.service_item import ServiceItem

ELEMENT = "element"
CONSISTENCY = "consistency"

# GB/T 39554.2 element names of the fields (for the report and the fixes)
ELEMENT_NAMES: dict[str, str] = {
    "name": "事项名称",
    "basic_code": "基本编码",
    "implementation_code": "实施编码",
    "item_type": "事项类型",
    "audience": "服务对象",
    "area_code": "实施地区",
    "level": "行使层级",
    "department": "实施主体",
    "department_code": "实施主体编码",
    "department_nature": "实施主体性质",
    "legal_basis": "设定依据",
    "acceptance_conditions": "受理条件",
    "themes": "主题分类",
    "steps": "办理流程",
    "statutory_limit": "法定办结时限",
    "promised_limit": "承诺办结时限",
    "fee_required": "是否收费",
    "fees": "收费项目及依据",
    "halls": "办理地点和时间",
    "consultation": "咨询方式",
    "complaint": "监督投诉方式",
    "visits": "到办事现场次数",
    "online": "是否网办",
    "online_depth": "网上办理深度",
    "online_payment": "是否支持网上支付",
    "express_delivery": "是否支持物流快递",
    "appointment": "是否支持预约办理",
    "materials": "申请材料",
    "materials.name": "材料名称",
    "materials.necessity": "材料必要性",
    "materials.condition": "提交情形",
    "materials.form": "材料形式",
    "materials.copies": "份数",
    "materials.source": "来源渠道",
    "materials.e_licence": "是否可用电子证照",
}
LIMIT_UNITS = "、".join(u.value for u in TimeUnit)


@dataclass(frozen=True)
class Finding:
    """One failed check of one record: where, what is wrong, what to change."""

    kind: str  # ELEMENT or CONSISTENCY
    file: str
    where: str  # "record 3", "line 4"
    item: str  # implementation code, else name, else where
    field: str  # dotted path, e.g. materials.2.condition
    element: str  # the GB/T 39554.2 element name
    problem: str
    fix: str


@dataclass
class ItemResult:
    file: str
    where: str
    code: str
    name: str
    department: str
    element_checks: int = 0
    consistency_checks: int = 0
    findings: list[Finding] = field(default_factory=list)

    def failed(self, kind: str) -> int:
        return len({f.field for f in self.findings if f.kind == kind})

    @property
    def element_score(self) -> float:
        if not self.element_checks:
            return 1.0
        return (self.element_checks - self.failed(ELEMENT)) / self.element_checks

    @property
    def conformant(self) -> bool:
        return not any(f.kind == ELEMENT for f in self.findings)


@dataclass(frozen=True)
class Context:
    """What the checks need to know about the province and the item's application."""

    file: str  # the file as shown in the report (relative to the province folder or repo)
    division: str | None
    areas: dict[str, str] | None
    form: OnlineForm | None
    forms_hint: str  # where an online application for an item goes, e.g. "forms/<code>.yaml"


def _element(path: str) -> str:
    generic = re.sub(r"\.\d+", "", path)
    return ELEMENT_NAMES.get(generic) or ELEMENT_NAMES.get(generic.split(".")[0], generic)


_MISSING = object()


class _Checker:
    def __init__(self, data: dict[str, Any], ctx: Context, result: ItemResult) -> None:
        self.data = data
        self.ctx = ctx
        self.result = result

    def _add(self, kind: str, path: str, problem: str, fix: str) -> None:
        self.result.findings.append(
            Finding(
                kind,
                self.ctx.file,
                self.result.where,
                self.result.code or self.result.name or self.result.where,
                path,
                _element(path),
                problem,
                f"In {self.ctx.file}, {self.result.where}: {fix}",
            )
        )

    def element(self, path: str, ok: Callable[[], str | None]) -> None:
        """Count an element check; ``ok`` returns None, or (problem, fix) joined by ' || '."""
        self.result.element_checks += 1
        self._run(ELEMENT, path, ok)

    def rule(self, path: str, ok: Callable[[], str | None]) -> None:
        self.result.consistency_checks += 1
        self._run(CONSISTENCY, path, ok)

    def _run(self, kind: str, path: str, ok: Callable[[], str | None]) -> None:
        try:
            outcome = ok()
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            outcome = f"{exc} || correct `{path}`"
        if outcome:
            problem, _, fix = outcome.partition(" || ")
            self._add(kind, path, problem, fix or f"correct `{path}`")


def _get(data: dict[str, Any], key: str) -> Any:
    return data.get(key, _MISSING) if isinstance(data, dict) else _MISSING


def _present_text(data: dict[str, Any], key: str, what: str, label: str = "") -> str | None:
    value = _get(data, key)
    key = label or key
    if value is _MISSING or value is None:
        return f"{key} is missing || add `{key}`: {what}"
    if not isinstance(value, str) or not value.strip():
        return f"{key} is empty or not text || set `{key}` to {what}"
    return None


def _enum(data: dict[str, Any], key: str, enum: type, label: str = "") -> str | None:
    value = _get(data, key)
    key = label or key
    choices = "、".join(e.value for e in enum)
    if value is _MISSING:
        return f"{key} is missing || add `{key}`, one of {choices}"
    if value not in {e.value for e in enum}:
        return f"{key} = {value!r} is not one of {choices} || set `{key}` to one of {choices}"
    return None


def _flag(data: dict[str, Any], key: str, label: str = "") -> str | None:
    value = _get(data, key)
    key = label or key
    if value is _MISSING:
        return f"{key} is missing (the element must be stated, not assumed) || add `{key}`: true or false"
    if not isinstance(value, bool):
        return f"{key} = {value!r} is not true or false || set `{key}` to true or false"
    return None


def _text_list(data: dict[str, Any], key: str, what: str) -> str | None:
    value = _get(data, key)
    if value is _MISSING or not isinstance(value, list) or not value:
        return f"{key} is missing or empty || list at least one entry in `{key}`: {what}"
    bad = [i for i, v in enumerate(value) if not isinstance(v, str) or not v.strip()]
    if bad:
        return f"{key}.{bad[0]} is empty || write the text of `{key}.{bad[0]}`"
    return None


def _limit(data: dict[str, Any], key: str, required: bool) -> str | None:
    value = _get(data, key)
    if value is _MISSING or value is None:
        if required:
            return (
                f'{key} is missing || add `{key}`: {{"value": N, "unit": "工作日"}} '
                f"(units: {LIMIT_UNITS})"
            )
        return None
    if not isinstance(value, dict) or "unit" not in value or "value" not in value:
        return (
            f"{key} = {value!r} has no value with a unit || write `{key}` as "
            f'{{"value": N, "unit": …}} with a unit of {LIMIT_UNITS}'
        )
    if value["unit"] not in {u.value for u in TimeUnit}:
        return (
            f"{key}.unit = {value['unit']!r} is not a unit of {LIMIT_UNITS} || set "
            f"`{key}.unit` to one of {LIMIT_UNITS}"
        )
    amount = value["value"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        return f"{key}.value = {amount!r} is not a whole number of days || set `{key}.value`"
    if (value["unit"] == TimeUnit.IMMEDIATE) != (amount == 0):
        return (
            f"{key} = {amount} {value['unit']}: 即办 is 0 and any other unit at least 1 || "
            f"use unit 即办 with value 0, or a number of days with 工作日 or 自然日"
        )
    return None


def _channels(data: dict[str, Any], key: str) -> str | None:
    value = _get(data, key)
    if not isinstance(value, list) or not value:
        return f"{key} is missing or empty || list at least one channel in `{key}` (kind and value)"
    kinds = {k.value for k in ChannelKind}
    for i, channel in enumerate(value):
        if not isinstance(channel, dict) or channel.get("kind") not in kinds:
            return (
                f"{key}.{i}.kind is not one of {'、'.join(sorted(kinds))} || set `{key}.{i}.kind`"
            )
        if not str(channel.get("value") or "").strip():
            return f"{key}.{i}.value is empty || write the number, address or name in `{key}.{i}.value`"
    return None


def _codes(c: _Checker) -> None:
    data, ctx = c.data, c.ctx

    def basic() -> str | None:
        value = _get(data, "basic_code")
        if value is _MISSING:
            return "basic_code is missing || add `basic_code` (基本编码 of the national catalogue)"
        validate_basic_code(str(value))
        return None

    def implementation() -> str | None:
        value = _get(data, "implementation_code")
        if value is _MISSING:
            return (
                "implementation_code is missing || add `implementation_code`: "
                "basic-area-000-USCC-type-sub"
            )
        code = parse_implementation_code(str(value))  # checks the USCC's check character
        for key, part in (
            ("basic_code", code.basic),
            ("area_code", code.area),
            ("department_code", code.uscc),
        ):
            own = _get(data, key)
            if own is not _MISSING and str(own).strip().upper() != part:
                return (
                    f"its {key} part {part!r} differs from {key} = {own!r} || make "
                    f"`implementation_code` and `{key}` agree"
                )
        return None

    def department_code() -> str | None:
        value = _get(data, "department_code")
        if value is _MISSING:
            return (
                "department_code is missing || add `department_code`: the implementing body's "
                "18-character unified social credit code"
            )
        try:
            validate_uscc(str(value))
        except ValueError as exc:
            return f"{exc} || correct `department_code` (GB 32100: the 18th character is a check character)"
        return None

    def area() -> str | None:
        value = _get(data, "area_code")
        if value is _MISSING:
            return "area_code is missing || add `area_code`: the 12-digit division code"
        code = validate_area_code(str(value))
        if ctx.division and not code.startswith(ctx.division):
            return (
                f"area_code {code!r} is not in this province (its codes start with "
                f"{ctx.division}) || set `area_code` to a division of this province"
            )
        if ctx.areas is not None and code not in ctx.areas:
            return (
                f"area_code {code!r} is not a division of this province in the division table "
                f"|| set `area_code` to one of the province's divisions (e.g. "
                f"{next(iter(sorted(ctx.areas)), '')})"
            )
        return None

    def level() -> str | None:
        found = _enum(data, "level", Level)
        if found:
            return found
        value, code = data["level"], _get(data, "area_code")
        if isinstance(code, str) and value != Level.NATIONAL and len(code.strip()) == 12:
            expected = area_level(code.strip())
            if value != expected:
                return (
                    f"level {value} does not match area_code {code!r} ({expected}) || set "
                    f"`level` to {expected} or correct `area_code`"
                )
        return None

    c.element("basic_code", basic)
    c.element("implementation_code", implementation)
    c.element("department_code", department_code)
    c.element("area_code", area)
    c.element("level", level)


def _fees(data: dict[str, Any]) -> str | None:
    required, fees = _get(data, "fee_required"), _get(data, "fees")
    fees = [] if fees is _MISSING or fees is None else fees
    if not isinstance(fees, list):
        return "fees is not a list || write `fees` as a list of {name, amount, basis}"
    if required is True and not fees:
        return "fee_required is true but no fee is listed || list each fee in `fees` with name, amount and basis"
    if required is False and fees:
        return f"{len(fees)} fee(s) listed but fee_required is false || set `fee_required` to true or remove `fees`"
    for i, fee in enumerate(fees):
        if not isinstance(fee, dict):
            return f"fees.{i} is not an object || write `fees.{i}` as {{name, amount, basis}}"
        for key in ("name", "amount", "basis"):
            if not str(fee.get(key) or "").strip():
                what = {"basis": "the legal basis of the charge (收费依据)"}.get(key, key)
                return f"fees.{i}.{key} is missing || add `fees.{i}.{key}`: {what}"
    return None


def _materials(c: _Checker) -> None:
    materials = _get(c.data, "materials")
    if materials is _MISSING:
        c.element(
            "materials",
            lambda: (
                "materials is missing || list the materials (an empty list when none is needed)"
            ),
        )
        return
    if not isinstance(materials, list):
        c.element("materials", lambda: "materials is not a list || write `materials` as a list")
        return
    for i, m in enumerate(materials):
        base = f"materials.{i}"
        m = m if isinstance(m, dict) else {}
        c.element(
            f"{base}.name", lambda m=m, b=base: _present_text(m, "name", "its name", f"{b}.name")
        )
        c.element(
            f"{base}.necessity",
            lambda m=m, b=base: _enum(m, "necessity", Necessity, f"{b}.necessity"),
        )
        c.element(f"{base}.condition", lambda m=m, b=base: _condition(m, b))
        c.element(f"{base}.form", lambda m=m, b=base: _forms(m, b))
        c.element(
            f"{base}.source", lambda m=m, b=base: _enum(m, "source", MaterialSource, f"{b}.source")
        )
        c.element(f"{base}.e_licence", lambda m=m, b=base: _flag(m, "e_licence", f"{b}.e_licence"))


def _condition(m: dict[str, Any], base: str) -> str | None:
    if m.get("necessity") == Necessity.CONDITIONAL and not str(m.get("condition") or "").strip():
        return (
            f"{base} is 非必要 but states no condition || add `{base}.condition`: when the "
            "applicant must submit it (提交情形)"
        )
    return None


def _forms(m: dict[str, Any], base: str) -> str | None:
    forms = m.get("form")
    allowed = {f.value for f in MaterialForm}
    if not isinstance(forms, list) or not forms or any(f not in allowed for f in forms):
        return (
            f"{base}.form = {forms!r} is not a list of {'、'.join(sorted(allowed))} || set "
            f"`{base}.form`"
        )
    return None


def _consistency(c: _Checker) -> None:
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


def check_record(data: dict[str, Any], where: str, ctx: Context) -> ItemResult:
    """Every element and consistency check of one raw catalogue record."""
    code = str(_get(data, "implementation_code") or "") if isinstance(data, dict) else ""
    result = ItemResult(
        ctx.file,
        where,
        code if code != str(_MISSING) else "",
        str(data.get("name") or "") if isinstance(data, dict) else "",
        str(data.get("department") or "(no department)") if isinstance(data, dict) else "",
    )
    c = _Checker(data if isinstance(data, dict) else {}, ctx, result)
    d = c.data
    c.element("name", lambda: _present_text(d, "name", "the item's name"))
    _codes(c)
    c.element("item_type", lambda: _enum(d, "item_type", ItemType))
    c.element("audience", lambda: _enum(d, "audience", Audience))
    c.element("department", lambda: _present_text(d, "department", "the implementing body"))
    c.element("department_nature", lambda: _enum(d, "department_nature", BodyNature))
    c.element("legal_basis", lambda: _text_list(d, "legal_basis", "the law or rule that sets it"))
    c.element(
        "acceptance_conditions",
        lambda: _present_text(d, "acceptance_conditions", "who may apply and when"),
    )
    c.element("themes", lambda: _text_list(d, "themes", "the theme it is classified under"))
    c.element("steps", lambda: _steps(d))
    c.element("statutory_limit", lambda: _limit(d, "statutory_limit", required=False))
    c.element("promised_limit", lambda: _limit(d, "promised_limit", required=True))
    c.element("fee_required", lambda: _flag(d, "fee_required"))
    c.element("fees", lambda: _fees(d))
    c.element("halls", lambda: _halls(d))
    c.element("consultation", lambda: _channels(d, "consultation"))
    c.element("complaint", lambda: _channels(d, "complaint"))
    c.element("visits", lambda: _visits(d))
    c.element("online", lambda: _flag(d, "online"))
    c.element("online_depth", lambda: _enum(d, "online_depth", OnlineDepth))
    for key in ("online_payment", "express_delivery", "appointment"):
        c.element(key, lambda key=key: _flag(d, key))
    _materials(c)
    _model_errors(c)
    _consistency(c)
    return result


def _steps(d: dict[str, Any]) -> str | None:
    steps = _get(d, "steps")
    if not isinstance(steps, list) or not steps:
        return "steps is missing or empty || list the handling steps in `steps` (name, description)"
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or not str(step.get("name") or "").strip():
            return f"steps.{i}.name is missing || name step {i + 1} in `steps.{i}.name`"
        if not str(step.get("description") or "").strip():
            return f"steps.{i}.description is missing || describe step {i + 1} in `steps.{i}.description`"
    return None


def _halls(d: dict[str, Any]) -> str | None:
    halls, visits = _get(d, "halls"), _get(d, "visits")
    halls = [] if halls is _MISSING or halls is None else halls
    if not isinstance(halls, list):
        return "halls is not a list || write `halls` as a list of {name, address, hours}"
    if not halls and isinstance(visits, int) and visits > 0:
        return (
            f"visits = {visits} but no handling location is listed || add a hall to `halls` "
            "with its name, address and hours"
        )
    for i, hall in enumerate(halls):
        for key in ("name", "address", "hours"):
            if not isinstance(hall, dict) or not str(hall.get(key) or "").strip():
                return f"halls.{i}.{key} is missing || add `halls.{i}.{key}`"
    return None


def _visits(d: dict[str, Any]) -> str | None:
    value = _get(d, "visits")
    if value is _MISSING:
        return "visits is missing || add `visits`: how many times the applicant must come (0-10)"
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
        return f"visits = {value!r} is not a number from 0 to 10 || set `visits`"
    return None


def _model_errors(c: _Checker) -> None:
    """The model's own validation: anything it refuses that no element check has named."""
    try:
        ServiceItem.model_validate(c.data)
    except ValidationError as exc:
        named = {f.field.split(".")[0] for f in c.result.findings}
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"]) or "(record)"
            if path.split(".")[0] in named:
                continue
            message = err["msg"].removeprefix("Value error, ")
            named.add(path.split(".")[0])
            c.element(path, lambda p=path, m=message: f"{p}: {m} || correct `{p}`")


def relative(path: Path, folder: Path, root: Path) -> str:
    """A file as a province reads it: relative to its folder, else to the repository."""
    for base in (folder, root):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)
