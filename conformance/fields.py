"""The shape of single elements of a raw catalogue record (GB/T 39554.2): each check returns
None, or what is wrong and what to change joined by `` || `` (:meth:`Checker.element`). They read
the record itself, not the parsed model, so that a missing element is reported as missing."""

from __future__ import annotations

from enum import Enum
from typing import Any

from app.domain.enums import ChannelKind, MaterialForm, Necessity, TimeUnit

LIMIT_UNITS = "、".join(u.value for u in TimeUnit)
MISSING = object()


def get_field(data: dict[str, Any], key: str) -> Any:
    return data.get(key, MISSING) if isinstance(data, dict) else MISSING


def present_text(data: dict[str, Any], key: str, what: str, label: str = "") -> str | None:
    value = get_field(data, key)
    key = label or key
    if value is MISSING or value is None:
        return f"{key} is missing || add `{key}`: {what}"
    if not isinstance(value, str) or not value.strip():
        return f"{key} is empty or not text || set `{key}` to {what}"
    return None


def one_of(data: dict[str, Any], key: str, enum: type[Enum], label: str = "") -> str | None:
    value = get_field(data, key)
    key = label or key
    choices = "、".join(e.value for e in enum)
    if value is MISSING:
        return f"{key} is missing || add `{key}`, one of {choices}"
    if value not in {e.value for e in enum}:
        return f"{key} = {value!r} is not one of {choices} || set `{key}` to one of {choices}"
    return None


def flag(data: dict[str, Any], key: str, label: str = "") -> str | None:
    value = get_field(data, key)
    key = label or key
    if value is MISSING:
        return f"{key} is missing (the element must be stated, not assumed) || add `{key}`: true or false"
    if not isinstance(value, bool):
        return f"{key} = {value!r} is not true or false || set `{key}` to true or false"
    return None


def text_list(data: dict[str, Any], key: str, what: str) -> str | None:
    value = get_field(data, key)
    if value is MISSING or not isinstance(value, list) or not value:
        return f"{key} is missing or empty || list at least one entry in `{key}`: {what}"
    bad = [i for i, v in enumerate(value) if not isinstance(v, str) or not v.strip()]
    if bad:
        return f"{key}.{bad[0]} is empty || write the text of `{key}.{bad[0]}`"
    return None


def time_limit(data: dict[str, Any], key: str, required: bool) -> str | None:
    value = get_field(data, key)
    if value is MISSING or value is None:
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


def channels(data: dict[str, Any], key: str) -> str | None:
    value = get_field(data, key)
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


def fee_list(data: dict[str, Any]) -> str | None:
    required, fees = get_field(data, "fee_required"), get_field(data, "fees")
    fees = [] if fees is MISSING or fees is None else fees
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


def condition_stated(m: dict[str, Any], base: str) -> str | None:
    if m.get("necessity") == Necessity.CONDITIONAL and not str(m.get("condition") or "").strip():
        return (
            f"{base} is 非必要 but states no condition || add `{base}.condition`: when the "
            "applicant must submit it (提交情形)"
        )
    return None


def material_forms(m: dict[str, Any], base: str) -> str | None:
    forms = m.get("form")
    allowed = {f.value for f in MaterialForm}
    if not isinstance(forms, list) or not forms or any(f not in allowed for f in forms):
        return (
            f"{base}.form = {forms!r} is not a list of {'、'.join(sorted(allowed))} || set "
            f"`{base}.form`"
        )
    return None


def step_list(d: dict[str, Any]) -> str | None:
    steps = get_field(d, "steps")
    if not isinstance(steps, list) or not steps:
        return "steps is missing or empty || list the handling steps in `steps` (name, description)"
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or not str(step.get("name") or "").strip():
            return f"steps.{i}.name is missing || name step {i + 1} in `steps.{i}.name`"
        if not str(step.get("description") or "").strip():
            return f"steps.{i}.description is missing || describe step {i + 1} in `steps.{i}.description`"
    return None


def hall_list(d: dict[str, Any]) -> str | None:
    halls, visits = get_field(d, "halls"), get_field(d, "visits")
    halls = [] if halls is MISSING or halls is None else halls
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


def visit_count(d: dict[str, Any]) -> str | None:
    value = get_field(d, "visits")
    if value is MISSING:
        return "visits is missing || add `visits`: how many times the applicant must come (0-10)"
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
        return f"visits = {value!r} is not a number from 0 to 10 || set `visits`"
    return None
