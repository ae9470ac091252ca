"""Where an item's application form comes from, and the loader of form files.

The framework's base forms are the YAML files here (``<basic_code>.yaml`` for an item,
``yjs-<name>.yaml`` for a 一件事 bundle). A province folder's ``forms/*.yaml`` overrides the
base form of the same file name. :func:`forms_in` is the one lookup, taking the province
folder (any folder, in the repo or not).

The form of an item (:func:`form_for_item`) is its hand-written form if there is one, laid over
the derived form when it sets ``extends_derived``; otherwise, if the catalogue says the item can
be applied for online (三级/四级), the form derived from its record (``app.flow.derive``).

``python -m app.flow.forms show CODE --json`` and ``python -m app.flow.forms check``.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import yaml
from pydantic import ValidationError

from app.catalogue.i18n import content_for
from app.domain.service_item import ServiceItem
from app.flow.derive import can_apply_online, derived_form, merge
from app.flow.schema import FormDefinition
from app.text import active_locale
from themes import ThemeProblem

FORMS_DIR = Path(__file__).resolve().parent
PROVINCE_FORMS = "forms"


@dataclass(frozen=True)
class FormProblem:
    file: Path
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file.name}: {self.field}: {self.message}"

    def as_theme_problem(self) -> ThemeProblem:
        """The same problem as ``themes.ThemeProblem`` (for ``python -m themes check``)."""
        return ThemeProblem(self.file, self.field, self.message)


class FormFileError(Exception):
    def __init__(self, problems: list[FormProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _location(loc: tuple[object, ...], data: object) -> str:
    """``steps.1.fields.0.name`` plus the field's own name where the path passes one."""
    parts = [str(p) for p in loc]
    node = data
    named: list[str] = []
    for part in loc:
        # the file's YAML: mappings and lists of anything
        if isinstance(node, dict):
            node = cast("dict[object, object]", node).get(part) if isinstance(part, str) else None
        elif isinstance(node, list) and isinstance(part, int):
            items = cast("list[object]", node)
            node = items[part] if part < len(items) else None
        else:
            node = None
        if isinstance(node, dict):
            name = cast("dict[object, object]", node).get("name")
            if isinstance(name, str):
                named.append(name)
    label = ".".join(parts) or "(file)"
    return f"{label} (field {named[-1]!r})" if named else label


def parse_form(path: Path) -> FormDefinition:
    """Read and validate one form file; every problem names the file and the field."""
    try:
        data: object = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FormFileError([FormProblem(path, "(file)", str(exc))]) from None
    if not isinstance(data, dict):
        raise FormFileError([FormProblem(path, "(file)", "must be a mapping of form settings")])
    data = cast("dict[object, object]", data)  # a YAML mapping
    if "origin" in data:
        raise FormFileError([FormProblem(path, "origin", "is set by the loader, not in a file")])
    try:
        form = FormDefinition.model_validate(data)
    except ValidationError as exc:
        problems: list[FormProblem] = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            field = _location(err["loc"], data)
            head = message.split(": ", 1)[0]
            if (
                not err["loc"]
                and ": " in message
                and head.replace(".", "").replace("_", "").isalnum()
            ):
                field, message = message.split(": ", 1)  # model-level checks name their path
            problems.append(FormProblem(path, field, message))
        raise FormFileError(problems) from None
    if form.key != path.stem:
        raise FormFileError([FormProblem(path, "key", f"{form.key!r} must match the file name")])
    return form


def form_files(province_folder: Path | None = None) -> dict[str, Path]:
    """Form files by key: the base ones, each overridden by the province folder's file of the
    same name (``<folder>/forms/<name>.yaml``)."""
    files = {p.stem: p for p in sorted(FORMS_DIR.glob("*.yaml"))}
    if province_folder is not None:
        files |= {p.stem: p for p in sorted((province_folder / PROVINCE_FORMS).glob("*.yaml"))}
    return files


def load_forms(
    province_folder: Path | None = None,
) -> tuple[dict[str, FormDefinition], list[FormProblem]]:
    """Every hand-written form for this province folder, and the problems of the bad files."""
    forms: dict[str, FormDefinition] = {}
    problems: list[FormProblem] = []
    for key, path in form_files(province_folder).items():
        try:
            forms[key] = parse_form(path)
        except FormFileError as exc:
            problems += exc.problems
    return forms, problems


@functools.cache
def _forms_in(folder: Path | None) -> dict[str, FormDefinition]:
    forms, problems = load_forms(folder)
    if problems:
        raise FormFileError(problems)
    return forms


def forms_in(province_folder: Path | None = None) -> dict[str, FormDefinition]:
    """THE lookup: the hand-written forms that apply in this province folder, by key
    (validated once per process and folder; a bad file raises :class:`FormFileError`)."""
    return _forms_in(province_folder.resolve() if province_folder is not None else None)


def problems_of(province_folder: Path) -> list[ThemeProblem]:
    """The province folder's form problems as ``themes.ThemeProblem`` (file, field, reason)."""
    return [p.as_theme_problem() for p in load_forms(province_folder)[1]]


# -- compatibility with the base forms only (tests and tools) -----------------------------------
def all_forms() -> dict[str, FormDefinition]:
    """The framework's base forms (no province folder)."""
    return forms_in(None)


def get_form(key: str, province_folder: Path | None = None) -> FormDefinition | None:
    """The hand-written form with this key (basic code or bundle id), if any."""
    return forms_in(province_folder).get(key)


def has_form(basic_code: str, province_folder: Path | None = None) -> bool:
    """Whether a hand-written form (or bundle) exists for this key."""
    forms = forms_in(province_folder)
    return basic_code.strip().upper() in forms or basic_code in forms


def bundles_with(basic_code: str, province_folder: Path | None = None) -> list[FormDefinition]:
    """The 一件事 bundles that include this item."""
    return [f for f in forms_in(province_folder).values() if basic_code in f.members]


# -- the form of an item -----------------------------------------------------------------------
#: (folder, implementation code, the item as JSON, server language) -> its form
_DERIVED: OrderedDict[tuple[Path | None, str, str, str], FormDefinition | None] = OrderedDict()
_DERIVED_MAX = 4096
_LOCK = threading.Lock()


def _form_for_item_now(item: ServiceItem, folder: Path | None) -> FormDefinition | None:
    written = forms_in(folder).get(item.basic_code)
    if written is not None and not written.extends_derived:
        return written
    if written is None and not can_apply_online(item):
        return None
    # its texts in the folder's translations over the built-in ones (read once per folder)
    derived = derived_form(item, content_for(folder))
    return merge(derived, written) if written is not None else derived


def form_for_item(item: ServiceItem, province_folder: Path | None = None) -> FormDefinition | None:
    """The application form of ``item`` in this province folder, or ``None`` when it cannot
    be applied for online (the guide then shows where to go and how to book).

    A hand-written form counts even where the catalogue's depth is lower: a province that wrote
    one has made the item applicable online. Derived forms are kept (per folder, item and
    server language) since every event of the wizard asks for the form again.
    """
    folder = province_folder.resolve() if province_folder is not None else None
    key = (folder, item.implementation_code, item.model_dump_json(), active_locale())
    with _LOCK:
        if key in _DERIVED:
            _DERIVED.move_to_end(key)
            return _DERIVED[key]
    form = _form_for_item_now(item, folder)
    with _LOCK:
        _DERIVED[key] = form
        while len(_DERIVED) > _DERIVED_MAX:
            _DERIVED.popitem(last=False)
    return form


def get_bundle(key: str, province_folder: Path | None = None) -> FormDefinition | None:
    form = forms_in(province_folder).get(key) if key.startswith("yjs-") else None
    return form if form is not None and form.is_bundle else None
