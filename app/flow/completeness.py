"""Whether an item's application collects what the item needs, and only what the form owns.

The catalogue is the reference: every 必要 material of an item must have a file field in its
form (an upload, or the one-tap e-licence where the item allows it) asked of every applicant;
every 非必要 material (a 提交情形 decides it) and every 容缺 material must have one too. A
material with no field (``"field": null`` in ``python -m app.flow.forms show``) is one the
citizen cannot provide online. :func:`material_gaps` names each such material.

The checkout (``app.flow.checkout``) owns how the result is received and the payment of fees;
:func:`checkout_questions` names a form's own questions that ask the same again (a question
whose wording or answers are about delivery or paying). Derived fields are never counted: they
come from the item's elements (applicant, 提交情形, materials), whose wording is the catalogue's.

:func:`province_items` reads a province folder's catalogue files through the catalogue readers
(no database), so the figures and the tests judge the folders themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.catalogue.bulk import validated
from app.catalogue.loader import validation_problems
from app.catalogue.provinces import catalogue_files_in
from app.domain.enums import Necessity
from app.domain.service_item import ServiceItem
from app.flow.derive import can_apply_online, derived_form
from app.flow.forms import form_for_item
from app.flow.schema import FormDefinition, FormField

#: wording of a question about receiving the result (邮寄、快递送达、领取方式 …) or paying
#: (支付、缴费 …): what the checkout asks. Matched against a field's label and answers.
DELIVERY_WORDS = re.compile(
    r"邮寄|寄递|快递|送达|配送|收件|领取方式|如何领取|怎么领取|领取地点|自取"
)
PAYMENT_WORDS = re.compile(r"支付|付款|缴费|缴纳费用|工本费|收费")


@dataclass(frozen=True)
class Gap:
    """A material of the item that the form does not collect as the catalogue says."""

    material: str
    necessity: str
    reason: str

    def __str__(self) -> str:
        return f"{self.material} ({self.necessity}): {self.reason}"


def material_fields(form: FormDefinition) -> dict[str, list[FormField]]:
    """The form's file fields by the material they provide."""
    found: dict[str, list[FormField]] = {}
    for f in form.fields():
        if f.kind == "file" and f.material:
            found.setdefault(f.material, []).append(f)
    return found


def material_gaps(form: FormDefinition, item: ServiceItem) -> list[Gap]:
    """Every material of ``item`` that ``form`` does not collect (empty: the form is complete).

    A 必要 material needs a required file field shown to every applicant (no ``when``); a
    非必要 one a file field (under its condition, or always); a 容缺 one a file field, which
    may be optional (it may be supplied after acceptance)."""
    fields = material_fields(form)
    gaps: list[Gap] = []
    for m in item.materials:
        found = fields.get(m.name, [])
        if not found:
            gaps.append(Gap(m.name, str(m.necessity), "no field of the form provides it"))
        elif m.necessity is Necessity.REQUIRED and not any(
            f.required and f.when is None for f in found
        ):
            gaps.append(
                Gap(m.name, str(m.necessity), "required, but the form asks for it only sometimes")
            )
    return gaps


def _asks(fld: FormField, words: re.Pattern[str]) -> bool:
    if fld.kind == "file":
        return False
    return bool(words.search(fld.label) or any(words.search(o.label) for o in fld.options))


def checkout_questions(form: FormDefinition, item: ServiceItem) -> list[tuple[FormField, str]]:
    """The form's own questions that the checkout asks (``(field, "delivery" | "payment")``)."""
    derived = {f.name for f in derived_form(item).fields()}
    found: list[tuple[FormField, str]] = []
    for f in form.fields():
        if f.name in derived and form.origin != "hand-written":
            continue  # the derived applicant, 提交情形 and materials: the catalogue's wording
        if _asks(f, DELIVERY_WORDS):
            found.append((f, "delivery"))
        elif _asks(f, PAYMENT_WORDS):
            found.append((f, "payment"))
    return found


def province_items(folder: Path) -> tuple[list[ServiceItem], list[str]]:
    """The valid records of the folder's catalogue files (``catalogue/*``), read through the
    catalogue readers, and the problems of the others (file, record, field, reason)."""
    items: list[ServiceItem] = []
    problems: list[str] = []
    for _record, item, found in validated(catalogue_files_in(folder), validation_problems):
        problems += [str(p) for p in found]
        if item is not None:
            items.append(item)
    return items, problems


@dataclass
class Coverage:
    """One province folder: how many online items have an application collecting everything."""

    province: str
    items: int = 0
    online: int = 0
    with_form: int = 0
    #: forms listing every material of the item with a field (``material_gaps`` empty)
    complete: int = 0
    #: forms asking again what the checkout asks (delivery, payment)
    asking_checkout: int = 0
    #: implementation code, name and what is wrong, of the online items not complete
    incomplete: list[tuple[str, str, list[str]]] = field(
        default_factory=list[tuple[str, str, list[str]]]
    )


def item_problems(form: FormDefinition | None, item: ServiceItem) -> list[str]:
    """What keeps an online item's application from collecting all the item needs, once."""
    if form is None:
        return ["no application form"]
    problems = [str(g) for g in material_gaps(form, item)]
    problems += [
        f"field {f.name!r} ({f.label}) asks about {what}, which the checkout owns"
        for f, what in checkout_questions(form, item)
    ]
    return problems


def coverage(folder: Path) -> Coverage:
    """The figures of one province folder (its catalogue files and forms)."""
    items, _problems = province_items(folder)
    out = Coverage(folder.name, items=len(items))
    for item in items:
        if not can_apply_online(item):
            continue
        out.online += 1
        form = form_for_item(item, folder)
        out.with_form += form is not None
        problems = item_problems(form, item)
        if form is not None and not material_gaps(form, item):
            out.complete += 1
        if form is not None and checkout_questions(form, item):
            out.asking_checkout += 1
        if problems:
            out.incomplete.append((item.implementation_code, item.name, problems))
    return out
