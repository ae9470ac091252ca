"""The inputs of the conformance report, each behind one plain function.

Each function reads one thing the report needs from what the rest of the project builds, so that
when those parts move (the province folder, derived applications, payment and delivery steps)
only the function here changes, never the checks or the report:

* :func:`catalogue_files` / :func:`catalogue_records_of`: the GB/T 39554.2 records of a province
  (``<folder>/catalogue/*.json|jsonl|csv``, as the province registry finds them), read by
  :mod:`app.catalogue.readers`.
* :func:`division`: the GB/T 2260 two-digit prefix of the province (``theme.toml``
  ``[identity] division``).
* :func:`area_names`: the real area codes of a province and their names (the national division
  table, ``themes/base/divisions.csv``).
* :func:`online_form`, :func:`form_steps` and :func:`checkout_steps`: whether an item has an
  online application and which of its steps (the form's, or the checkout's after it) take
  payment or arrange delivery.
* :func:`e2e_results`: the outcome of every e2e test in the last run (``reports/e2e/results.json``,
  written by ``e2e/results_plugin.py``).
* :func:`compliance_results`: the ``make compliance`` figures (``reports/compliance/summary.json``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.catalogue.provinces import catalogue_files_in
from app.catalogue.readers import Problem, Record, read_records
from app.domain.service_item import ServiceItem
from app.flow.checkout import needs
from app.flow.forms import FormFileError, form_for_item, parse_form
from themes.divisions import divisions_of

ROOT = Path(__file__).resolve().parents[1]
FORMS_DIR = ROOT / "app" / "flow" / "forms"
E2E_RESULTS = ROOT / "reports" / "e2e" / "results.json"
E2E_SHOTS = ROOT / "reports" / "e2e" / "shots"  # <province>/<function key>.png
COMPLIANCE_SUMMARY = ROOT / "reports" / "compliance" / "summary.json"


def catalogue_files(folder: Path) -> list[Path]:
    """The catalogue files of a province folder: ``catalogue/*.json|jsonl|csv``, in name order."""
    return catalogue_files_in(folder)


def catalogue_records_of(path: Path) -> Iterator[Record | Problem]:
    """Every raw record of one catalogue file, or the problem reading it."""
    yield from read_records(path)


def division(identity: Any) -> str | None:
    """The province's GB/T 2260 two-digit prefix (``[identity] division``), or ``None``."""
    declared = getattr(identity, "division", None)
    return str(declared) if declared else None


def area_names(prefix: str) -> dict[str, str] | None:
    """The 12-digit area codes of the province with this prefix and their full names, or
    ``None`` when the national division table has no such province (then only the prefix is
    checked)."""
    found = {d.code: d.full_name for d in divisions_of(prefix)}
    return found or None


@dataclass(frozen=True)
class OnlineForm:
    """The online application of an item: the file that defines it and its step kinds."""

    file: Path | None  # None for a form derived from the catalogue
    steps: frozenset[str]


def online_form(
    basic_code: str, folder: Path, record: dict[str, Any] | None = None
) -> OnlineForm | None:
    """The online application of the item with this basic code in this province, or ``None``.

    A form in the province folder (``<folder>/forms/<basic_code>.yaml``) overrides the base form
    of the same name in ``app/flow/forms/``; without one, an item the catalogue says can be
    handled online (``record``) gets the form the flow derives from it
    (``app.flow.forms.form_for_item``), the very form citizens fill in. Its steps include those
    the checkout adds after the form for this item (``app.flow.checkout.needs``).
    """

    item = None
    if record is not None:
        try:
            item = ServiceItem.model_validate(record)
        except ValidationError:
            item = None  # an invalid record has no application (its elements say why)
    for path in (folder / "forms" / f"{basic_code}.yaml", FORMS_DIR / f"{basic_code}.yaml"):
        if path.is_file():
            try:
                return OnlineForm(path, form_steps(parse_form(path)) | checkout_steps(item))
            except FormFileError:
                return None  # a broken form is no application; `forms check` names the problem
    if item is None:
        return None
    form = form_for_item(item, folder)
    return OnlineForm(None, form_steps(form) | checkout_steps(item)) if form is not None else None


def checkout_steps(item: Any) -> frozenset[str]:
    """The steps the checkout (``/checkout/<code>``) adds after the form of this item: how the
    result is received for an item with express delivery, the fee for one payable online."""
    if item is None:
        return frozenset()
    pays, delivers = needs(item)
    return frozenset({"payment"} if pays else set()) | frozenset(
        {"delivery"} if delivers else set()
    )


def form_steps(form: Any) -> frozenset[str]:
    """What the steps of a form do: ``payment`` and/or ``delivery``.

    A step counts when its ``kind`` (the payment and delivery steps of the flow) or its ``id``
    says so, or when it asks how the result is delivered (a field named ``delivery``).
    """
    found: set[str] = set()
    for step in getattr(form, "steps", []):
        for word in (getattr(step, "kind", None), getattr(step, "id", None)):
            if word in ("payment", "delivery"):
                found.add(str(word))
        if any(getattr(f, "name", "") == "delivery" for f in getattr(step, "fields", [])):
            found.add("delivery")
    return frozenset(found)


@dataclass(frozen=True)
class TestResult:
    nodeid: str
    outcome: str  # passed, failed, error, skipped
    mode: str  # embedded or scaled
    finished: str  # ISO time of the run that produced it


def e2e_results(path: Path = E2E_RESULTS) -> list[TestResult]:
    """Every recorded e2e outcome (all modes); empty when no run has written the file."""
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        TestResult(nodeid, entry["outcome"], mode, entry["finished"])
        for mode, tests in data.get("modes", {}).items()
        for nodeid, entry in tests.items()
    ]


def compliance_results(path: Path = COMPLIANCE_SUMMARY) -> dict[str, Any] | None:
    """The last ``make compliance`` summary, or ``None`` when it has not been run."""
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
