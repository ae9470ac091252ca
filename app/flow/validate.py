"""Server-side checks of answers against a form definition; messages through Babel.

Answers are a flat ``dict[str, str]``: a checkbox field holds its chosen option values joined
by commas; an address field holds the division code under its name and the street address
under ``<name>.detail``; a file field holds the id of the citizen's stored file.
"""

from __future__ import annotations

import re
from datetime import date

from app.adapters.identity import mask_id_number, mask_phone
from app.domain.codes import validate_id_number
from app.domain.identity import Identity
from app.flow.areas import division_name
from app.flow.schema import FormDefinition, FormField, FormStep
from app.text import sjoin, stext
from app.text import st_whole as t

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
DETAIL = ".detail"


def choices(value: str) -> list[str]:
    return [v for v in value.split(",") if v]


def is_visible(form: FormDefinition, fld: FormField, values: dict[str, str]) -> bool:
    if fld.when is None:
        return True
    target = form.field(fld.when.field)
    if not is_visible(form, target, values):
        return False
    chosen = set(choices(values.get(target.name, "")))
    return bool(chosen & set(fld.when.in_))


def visible_fields(form: FormDefinition, step: FormStep, values: dict[str, str]) -> list[FormField]:
    return [f for f in step.fields if is_visible(form, f, values)]


def check_field(
    fld: FormField, values: dict[str, str], prefix: str, file_ok: set[str] | None = None
) -> str | None:
    """The error message for this field's answer, or ``None`` when it is acceptable."""
    value = values.get(fld.name, "").strip()
    if fld.kind == "address":
        detail = values.get(fld.name + DETAIL, "").strip()
        if not value:
            return t("请选择{label}所在的区县", label=stext(fld.label)) if fld.required else None
        if division_name(prefix, value) is None:
            return t("请从列表中选择{label}所在的区县", label=stext(fld.label))
        if not detail:
            return t("请填写{label}的街道和门牌号", label=stext(fld.label))
        if len(detail) > 100:
            return t("{label}的详细地址不能超过 {n} 个字", label=stext(fld.label), n=100)
        return None
    if not value:
        if not fld.required:
            return None
        if fld.kind in {"select", "radio"}:
            return t("请选择{label}", label=stext(fld.label))
        if fld.kind == "checkbox":
            return t("请至少选择一项{label}", label=stext(fld.label))
        if fld.kind == "file":
            return t("请上传{label}", label=stext(fld.label))
        return t("请填写{label}", label=stext(fld.label))
    if fld.kind == "text":
        if len(value) > fld.max_length:
            return t("{label}不能超过 {n} 个字", label=stext(fld.label), n=fld.max_length)
    elif fld.kind == "id_number":
        try:
            validate_id_number(value)
        except ValueError:
            if len(value) != 18:
                return t("{label}应为 18 位，您填写了 {n} 位", label=stext(fld.label), n=len(value))
            return t("{label}不正确，请核对后重新填写（最后一位是校验码）", label=stext(fld.label))
    elif fld.kind == "phone":
        if not PHONE_RE.match(value.replace(" ", "")):
            return t("{label}应为 11 位手机号码，以 1 开头", label=stext(fld.label))
    elif fld.kind == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return t("{label}必须是真实的日期，例如 2024-03-01", label=stext(fld.label))
        if fld.date_range == "past" and day > date.today():
            return t("{label}不能晚于今天", label=stext(fld.label))
        if fld.date_range == "future" and day < date.today():
            return t("{label}不能早于今天", label=stext(fld.label))
    elif fld.kind in {"select", "radio"}:
        if value not in {o.value for o in fld.options}:
            return t("请从列出的选项中选择{label}", label=stext(fld.label))
    elif fld.kind == "checkbox":
        if set(choices(value)) - {o.value for o in fld.options}:
            return t("请从列出的选项中选择{label}", label=stext(fld.label))
    elif fld.kind == "file" and file_ok is not None and value not in file_ok:
        return t("{label}的文件已失效，请重新上传", label=stext(fld.label))
    return None


def check_step(
    form: FormDefinition,
    step: FormStep,
    values: dict[str, str],
    prefix: str,
    file_ok: set[str] | None = None,
) -> dict[str, str]:
    """Errors of the visible fields of one step, by field name, in page order."""
    errors: dict[str, str] = {}
    for fld in visible_fields(form, step, values):
        if (message := check_field(fld, values, prefix, file_ok)) is not None:
            errors[fld.name] = message
    return errors


def check_all(
    form: FormDefinition, values: dict[str, str], prefix: str, file_ok: set[str] | None = None
) -> dict[str, tuple[int, str]]:
    """Every error of the whole form: field name -> (step index, message)."""
    found: dict[str, tuple[int, str]] = {}
    for index, step in enumerate(form.steps):
        for name, message in check_step(form, step, values, prefix, file_ok).items():
            found[name] = (index, message)
    return found


def cleaned(form: FormDefinition, values: dict[str, str]) -> dict[str, str]:
    """Only the answers of fields that are shown (answers to hidden questions are dropped)."""
    kept: dict[str, str] = {}
    for step in form.steps:
        for fld in visible_fields(form, step, values):
            for key in (fld.name, fld.name + DETAIL) if fld.kind == "address" else (fld.name,):
                if values.get(key, "").strip():
                    kept[key] = values[key].strip()
    return kept


def prefilled(form: FormDefinition, identity: Identity) -> dict[str, str]:
    source = {
        "name": identity.name,
        "id_number": identity.id_number,
        "phone": identity.phone,
        "org_name": identity.org_name,
        "uscc": identity.uscc,
    }
    return {f.name: source[f.prefill] for f in form.fields() if f.prefill and source[f.prefill]}


def with_locked(form: FormDefinition, values: dict[str, str], identity: Identity) -> dict[str, str]:
    """``values`` with every locked field forced to the identity's value (never the client's)."""
    locked = {f.name for f in form.fields() if f.locked}
    fixed = {k: v for k, v in prefilled(form, identity).items() if k in locked}
    return {**values, **fixed}


def display(
    fld: FormField,
    values: dict[str, str],
    prefix: str,
    reveal: bool = False,
    file_names: dict[str, str] | None = None,
) -> str:
    """How an answer reads on the check-your-answers page and in my applications."""
    value = values.get(fld.name, "")
    if fld.kind == "address":
        area = division_name(prefix, value) or ""
        return f"{area} {values.get(fld.name + DETAIL, '')}".strip()
    if fld.kind in {"select", "radio", "checkbox"}:
        labels = {o.value: stext(o.label) for o in fld.options}
        return sjoin("、", [labels.get(v, v) for v in choices(value)])
    if fld.kind == "id_number" and not reveal:
        return mask_id_number(value) if value else ""
    if fld.kind == "phone" and not reveal:
        return mask_phone(value) if value else ""
    if fld.kind == "file":
        return (file_names or {}).get(value, "") if value else ""
    return value
