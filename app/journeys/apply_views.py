"""What the application wizard shows: the view model of ``/apply/[code]`` and how a page of
the form becomes it (the question page's fields with values, hints and errors, the error
summary, the check page's answers with ID numbers and phones masked unless revealed).

Plain data and pure functions: :mod:`app.journeys.apply` calls them, ``ApplyState`` copies the
result into its vars and the page (``app/pages/apply.py``) reads the field views.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from app.flow.areas import divisions
from app.flow.schema import FormDefinition, FormField
from app.flow.validate import DETAIL, choices, display, visible_fields
from app.flow.wizard import CHECK, KEY_TARGET, LICENCE_PREFIX, QUESTIONS, STEP_KINDS, licence_for
from app.journeys.next_step import Audit, Focus
from app.text import has_han, source_text, stext
from app.text import st as t

ERROR_SUMMARY_ID = "error-summary"
HEADING_ID = KEY_TARGET
__all__ = ["Audit", "Focus"]  # what the wizard does next (app.journeys.next_step)


@dataclasses.dataclass(frozen=True)
class OptionView:
    value: str = ""
    label: str = ""
    checked: bool = False
    input_id: str = ""


@dataclasses.dataclass(frozen=True)
class FieldView:
    name: str = ""
    kind: str = ""
    label: str = ""
    hint: str = ""
    value: str = ""
    detail: str = ""
    error: str = ""
    required: bool = True
    locked: bool = False
    input_id: str = ""
    described_by: str = ""
    autocomplete: str = ""
    max_length: int = 100
    options: list[OptionView] = dataclasses.field(default_factory=list[OptionView])
    #: file fields: an e-licence of the citizen that can replace the upload
    licence_id: str = ""
    licence_text: str = ""
    using_licence: bool = False
    #: file fields: "zh-Hans" when the file's shown name is Chinese (a licence, a 户口本.jpg)
    value_lang: str = ""


@dataclasses.dataclass(frozen=True)
class ErrorView:
    message: str = ""
    target: str = ""


@dataclasses.dataclass(frozen=True)
class AnswerView:
    key: str = ""
    label: str = ""
    value: str = ""
    step: int = 0
    change_label: str = ""


@dataclasses.dataclass(frozen=True)
class Rendered:
    """One page of the form as the wizard shows it (a part that is ``None``: unchanged)."""

    stage: str | None = None
    page_kind: str | None = None
    step_index: int | None = None  # None: unchanged (the check and the extra pages)
    step_title: str | None = None
    step_intro: str | None = None
    fields: tuple[FieldView, ...] | None = None
    errors: tuple[ErrorView, ...] = ()
    answers: tuple[AnswerView, ...] | None = None


@dataclasses.dataclass(frozen=True)
class Answers:
    """What a field view is made of besides the form: the answers and what the citizen has."""

    prefix: str  # the province's GB/T 2260 prefix: its divisions check and name addresses
    values: Mapping[str, str]
    file_names: Mapping[str, str]
    licences: Mapping[str, Mapping[str, str]]
    revealed: bool


def target(fld: FormField) -> str:
    """The id the error summary links to for this field."""
    if fld.kind in {"radio", "checkbox"}:
        return f"f-{fld.name}-{fld.options[0].value}"
    return f"f-{fld.name}"


def field_view(fld: FormField, a: Answers, errors: Mapping[str, str]) -> FieldView:
    value = a.values.get(fld.name, "")
    input_id = f"f-{fld.name}"
    hint_id, error_id = f"{input_id}-hint", f"{input_id}-error"
    described = " ".join(
        i for i, on in ((hint_id, bool(fld.hint)), (error_id, fld.name in errors)) if on
    )
    options: list[OptionView] = []
    if fld.kind in {"select", "radio", "checkbox"}:
        chosen = set(choices(value))
        options = [
            OptionView(o.value, stext(o.label), o.value in chosen, f"{input_id}-{o.value}")
            for o in fld.options
        ]
    elif fld.kind == "address":
        options = [
            OptionView(code, name, code == value, f"{input_id}-{code}")
            for code, name in divisions(a.prefix)
        ]
    shown = value
    licence_id = licence_text = ""
    if fld.kind == "file":
        shown = a.file_names.get(value, "")
        offer = licence_for(fld, dict(a.licences))
        if offer is not None:
            licence_id = offer["id"]
            licence_text = source_text(
                "{title}，编号 {number}，{issuer} {issued} 签发",
                title=offer["title"],
                number=offer["number"],
                issuer=offer["issuer"],
                issued=offer["issued"],
            )
    if fld.locked:
        shown = display(fld, dict(a.values), a.prefix, reveal=a.revealed)
    return FieldView(
        name=fld.name,
        kind=fld.kind,
        label=stext(fld.label),
        hint=stext(fld.hint),
        value=shown,
        detail=a.values.get(fld.name + DETAIL, ""),
        error=errors.get(fld.name, ""),
        required=fld.required,
        locked=fld.locked,
        input_id=input_id,
        described_by=described,
        autocomplete=fld.autocomplete,
        max_length=fld.max_length,
        options=options,
        licence_id=licence_id,
        licence_text=licence_text,
        using_licence=value.startswith(LICENCE_PREFIX),
        value_lang="zh-Hans" if fld.kind == "file" and has_han(shown) else "",
    )


def render(
    form: FormDefinition, page_kind: str, step: int, a: Answers, errors: Mapping[str, str]
) -> Rendered:
    """The page ``(page_kind, step)`` of the wizard: a question page, a registered step kind
    or the check page."""
    if page_kind == CHECK:
        return Rendered(
            "check",
            answers=check_answers(form, a),
            errors=tuple(ErrorView(m, target_id) for target_id, m in errors.items()),
        )
    if page_kind != QUESTIONS:
        return Rendered(
            "extra",
            page_kind,
            step_title=stext(STEP_KINDS[page_kind].title),
            step_intro="",
            fields=(),
            errors=tuple(ErrorView(m, target_id) for target_id, m in errors.items()),
        )
    shown = visible_fields(form, form.steps[step], dict(a.values))
    return Rendered(
        "step",
        "",
        step,
        stext(form.steps[step].title),
        stext(form.steps[step].intro),
        tuple(field_view(f, a, errors) for f in shown),
        tuple(ErrorView(errors[f.name], target(f)) for f in shown if f.name in errors),
    )


def check_answers(form: FormDefinition, a: Answers) -> tuple[AnswerView, ...]:
    """The check page's rows: every visible answer, masked unless revealed."""
    values = dict(a.values)
    rows: list[AnswerView] = []
    for index, step in enumerate(form.steps):
        for fld in visible_fields(form, step, values):
            value = display(fld, values, a.prefix, a.revealed, dict(a.file_names))
            rows.append(
                AnswerView(
                    key=fld.name,
                    label=stext(fld.label),
                    value=value or t("未填写"),
                    step=index,
                    change_label=t("修改{label}", label=stext(fld.label)),
                )
            )
    return tuple(rows)
