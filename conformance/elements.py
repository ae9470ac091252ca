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

from pathlib import Path
from typing import Any

from pydantic import ValidationError

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
    ItemType,
    Level,
    MaterialSource,
    Necessity,
    OnlineDepth,
)
from app.domain.service_item import ServiceItem
from conformance.consistency import check_consistency
from conformance.fields import (
    MISSING,
    channels,
    condition_stated,
    fee_list,
    flag,
    get_field,
    hall_list,
    material_forms,
    one_of,
    present_text,
    step_list,
    text_list,
    time_limit,
    visit_count,
)
from conformance.findings import Checker, Context, ItemResult


def _codes(c: Checker) -> None:
    data, ctx = c.data, c.ctx

    def basic() -> str | None:
        value = get_field(data, "basic_code")
        if value is MISSING:
            return "basic_code is missing || add `basic_code` (基本编码 of the national catalogue)"
        validate_basic_code(str(value))
        return None

    def implementation() -> str | None:
        value = get_field(data, "implementation_code")
        if value is MISSING:
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
            own = get_field(data, key)
            if own is not MISSING and str(own).strip().upper() != part:
                return (
                    f"its {key} part {part!r} differs from {key} = {own!r} || make "
                    f"`implementation_code` and `{key}` agree"
                )
        return None

    def department_code() -> str | None:
        value = get_field(data, "department_code")
        if value is MISSING:
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
        value = get_field(data, "area_code")
        if value is MISSING:
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
        found = one_of(data, "level", Level)
        if found:
            return found
        value, code = data["level"], get_field(data, "area_code")
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


def _materials(c: Checker) -> None:
    materials = get_field(c.data, "materials")
    if materials is MISSING:
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
            f"{base}.name", lambda m=m, b=base: present_text(m, "name", "its name", f"{b}.name")
        )
        c.element(
            f"{base}.necessity",
            lambda m=m, b=base: one_of(m, "necessity", Necessity, f"{b}.necessity"),
        )
        c.element(f"{base}.condition", lambda m=m, b=base: condition_stated(m, b))
        c.element(f"{base}.form", lambda m=m, b=base: material_forms(m, b))
        c.element(
            f"{base}.source", lambda m=m, b=base: one_of(m, "source", MaterialSource, f"{b}.source")
        )
        c.element(f"{base}.e_licence", lambda m=m, b=base: flag(m, "e_licence", f"{b}.e_licence"))


def check_record(data: dict[str, Any], where: str, ctx: Context) -> ItemResult:
    """Every element and consistency check of one raw catalogue record."""
    code = str(get_field(data, "implementation_code") or "") if isinstance(data, dict) else ""
    result = ItemResult(
        ctx.file,
        where,
        code if code != str(MISSING) else "",
        str(data.get("name") or "") if isinstance(data, dict) else "",
        str(data.get("department") or "(no department)") if isinstance(data, dict) else "",
    )
    c = Checker(data if isinstance(data, dict) else {}, ctx, result)
    d = c.data
    c.element("name", lambda: present_text(d, "name", "the item's name"))
    _codes(c)
    c.element("item_type", lambda: one_of(d, "item_type", ItemType))
    c.element("audience", lambda: one_of(d, "audience", Audience))
    c.element("department", lambda: present_text(d, "department", "the implementing body"))
    c.element("department_nature", lambda: one_of(d, "department_nature", BodyNature))
    c.element("legal_basis", lambda: text_list(d, "legal_basis", "the law or rule that sets it"))
    c.element(
        "acceptance_conditions",
        lambda: present_text(d, "acceptance_conditions", "who may apply and when"),
    )
    c.element("themes", lambda: text_list(d, "themes", "the theme it is classified under"))
    c.element("steps", lambda: step_list(d))
    c.element("statutory_limit", lambda: time_limit(d, "statutory_limit", required=False))
    c.element("promised_limit", lambda: time_limit(d, "promised_limit", required=True))
    c.element("fee_required", lambda: flag(d, "fee_required"))
    c.element("fees", lambda: fee_list(d))
    c.element("halls", lambda: hall_list(d))
    c.element("consultation", lambda: channels(d, "consultation"))
    c.element("complaint", lambda: channels(d, "complaint"))
    c.element("visits", lambda: visit_count(d))
    c.element("online", lambda: flag(d, "online"))
    c.element("online_depth", lambda: one_of(d, "online_depth", OnlineDepth))
    for key in ("online_payment", "express_delivery", "appointment"):
        c.element(key, lambda key=key: flag(d, key))
    _materials(c)
    _model_errors(c)
    check_consistency(c)
    return result


def _model_errors(c: Checker) -> None:
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
