"""Declarative form definitions (one YAML file per item or 一件事 bundle), validated by pydantic.

A form has steps (one topic per page); a step has fields. Field kinds: ``text``, ``id_number``
(GB 11643 with its check digit), ``phone``, ``date``, ``select``, ``radio``, ``checkbox``,
``address`` (a county-level administrative division plus the street address) and ``file``.
A field may be shown only ``when`` an earlier field has one of some values, and may be
prefilled from the signed-in identity (``prefill``), optionally ``locked`` to it.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.domain.enums import Audience

FieldKind = Literal[
    "text", "id_number", "phone", "date", "select", "radio", "checkbox", "address", "file"
]
PrefillKey = Literal["name", "id_number", "phone", "org_name", "uscc"]
NAME_RE = r"^[a-z][a-z0-9_]{0,39}$"
CHOICE_KINDS = {"select", "radio", "checkbox"}

#: labels derived from the catalogue carry a material condition (up to 500 characters)
Label = Annotated[str, Field(min_length=1, max_length=600)]
Title = Annotated[str, Field(min_length=1, max_length=80)]
Hint = Annotated[str, Field(max_length=300)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Option(_Model):
    value: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]
    label: Label


class Condition(_Model):
    """Show the field only when ``field`` has one of the values in ``in_``."""

    field: Annotated[str, Field(pattern=NAME_RE)]
    in_: list[str] = Field(alias="in", min_length=1)


class FormField(_Model):
    name: Annotated[str, Field(pattern=NAME_RE)]
    kind: FieldKind
    label: Label
    hint: Hint = ""
    required: bool = True
    options: list[Option] = Field(default_factory=list[Option])
    when: Condition | None = None
    prefill: PrefillKey | None = None
    locked: bool = False
    max_length: int = Field(default=100, ge=1, le=2000)
    #: date fields: ``past`` (today or earlier) or ``future`` (today or later)
    date_range: Literal["past", "future", "any"] = "any"
    #: file fields: the material of the item this upload provides
    material: str = ""
    #: file fields: the kind of e-licence (电子证照) that may replace the upload, e.g. 出生医学证明
    licence: str = Field(default="", max_length=200)
    autocomplete: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind in CHOICE_KINDS and len(self.options) < 2:
            raise ValueError(f"a {self.kind} field needs at least 2 options")
        if self.kind not in CHOICE_KINDS and self.options:
            raise ValueError(f"options are only for select, radio and checkbox, not {self.kind}")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError(f"duplicate option values in {values}")
        if self.locked and not self.prefill:
            raise ValueError("locked needs prefill (a locked field shows the identity's value)")
        if self.kind != "file" and (self.material or self.licence):
            raise ValueError("material and licence are only for file fields")
        if self.kind != "date" and self.date_range != "any":
            raise ValueError("date_range is only for date fields")
        return self


class FormStep(_Model):
    id: Annotated[str, Field(pattern=NAME_RE)]
    title: Title
    intro: Hint = ""
    fields: list[FormField] = Field(min_length=1)


class FormDefinition(_Model):
    """One application form; ``key`` is the item's basic code or the bundle's id."""

    key: Annotated[str, Field(pattern=r"^([0-9A-Z]{8,20}|yjs-[a-z0-9-]{1,40})$")]
    title: Title
    audience: Audience
    #: the lowest real-name level (1-3) that may submit this form
    min_level: int = Field(default=1, ge=1, le=3)
    #: 一件事 bundles: the basic codes of the items handled together
    members: list[Annotated[str, Field(pattern=r"^[0-9A-Z]{8,20}$")]] = Field(default_factory=list)
    #: bundles: promised time limit of the whole, in working days
    promised_working_days: int | None = Field(default=None, ge=0, le=365)
    department: str = Field(default="", max_length=200)
    #: a hand-written form with ``extends_derived`` is laid over the form derived from the
    #: item's catalogue record (``app.flow.derive.merge``) instead of replacing it; it may
    #: leave out the declaration, consent and next steps (the derived ones are kept)
    extends_derived: bool = False
    declaration: str = Field(default="", max_length=1000)
    sensitive_consent: str = Field(default="", max_length=1000)
    next_steps: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list
    )
    steps: list[FormStep] = Field(min_length=1)
    #: where the form came from (set by the loader, never in a file)
    origin: Literal["hand-written", "derived", "extended"] = "hand-written"

    @model_validator(mode="after")
    def _references(self) -> Self:
        seen: dict[str, FormField] = {}
        step_ids: set[str] = set()
        for s_index, step in enumerate(self.steps):
            if step.id in step_ids:
                raise ValueError(f"steps.{s_index}.id: duplicate step id {step.id!r}")
            step_ids.add(step.id)
            for f_index, fld in enumerate(step.fields):
                where = f"steps.{s_index}.fields.{f_index}"
                if fld.name in seen:
                    raise ValueError(f"{where}.name: duplicate field name {fld.name!r}")
                if fld.when is not None:
                    target = seen.get(fld.when.field)
                    if target is None:
                        raise ValueError(
                            f"{where}.when.field: {fld.when.field!r} is not an earlier field"
                        )
                    if target.kind not in CHOICE_KINDS:
                        raise ValueError(
                            f"{where}.when.field: {fld.when.field!r} is a {target.kind} field; "
                            "conditions need a select, radio or checkbox"
                        )
                    known = {o.value for o in target.options}
                    if unknown := [v for v in fld.when.in_ if v not in known]:
                        raise ValueError(
                            f"{where}.when.in: {unknown} are not options of {fld.when.field!r}"
                        )
                seen[fld.name] = fld
        if not self.extends_derived:
            for name in ("declaration", "sensitive_consent", "next_steps"):
                if not getattr(self, name):
                    raise ValueError(f"{name}: required (unless the form sets extends_derived)")
        is_bundle = self.key.startswith("yjs-")
        if is_bundle and self.extends_derived:
            raise ValueError("extends_derived: a 一件事 bundle has no catalogue record to extend")
        if is_bundle and len(self.members) < 2:
            raise ValueError("members: a 一件事 bundle combines at least 2 items")
        if is_bundle and self.promised_working_days is None:
            raise ValueError("promised_working_days: a bundle must promise a time limit")
        if not is_bundle and self.members:
            raise ValueError("members: only 一件事 bundles (key yjs-…) have members")
        return self

    @property
    def is_bundle(self) -> bool:
        return self.key.startswith("yjs-")

    def fields(self) -> list[FormField]:
        return [f for step in self.steps for f in step.fields]

    def field(self, name: str) -> FormField:
        for f in self.fields():
            if f.name == name:
                return f
        raise KeyError(name)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
