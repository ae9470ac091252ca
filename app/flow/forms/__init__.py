"""The seed form definitions, one YAML file per item (``<basic_code>.yaml``) or 一件事 bundle
(``yjs-<name>.yaml``), and their loader.

``has_form(basic_code)`` is what the item guide calls to decide whether to offer 在线办理.
``python -m app.flow.forms check [FILES]`` validates files and prints each problem with its
file and field.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from app.flow.schema import FormDefinition

FORMS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class FormProblem:
    file: Path
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file.name}: {self.field}: {self.message}"


class FormFileError(Exception):
    def __init__(self, problems: list[FormProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _location(loc: tuple[object, ...], data: object) -> str:
    """``steps.1.fields.0.name`` plus the field's own name where the path passes one."""
    parts = [str(p) for p in loc]
    node = data
    named = []
    for part in loc:
        if isinstance(node, dict):
            node = node.get(part) if isinstance(part, str) else None
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        if isinstance(node, dict) and "name" in node and isinstance(node["name"], str):
            named.append(node["name"])
    label = ".".join(parts) or "(file)"
    return f"{label} (field {named[-1]!r})" if named else label


def parse_form(path: Path) -> FormDefinition:
    """Read and validate one form file; every problem names the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FormFileError([FormProblem(path, "(file)", str(exc))]) from None
    if not isinstance(data, dict):
        raise FormFileError([FormProblem(path, "(file)", "must be a mapping of form settings")])
    try:
        form = FormDefinition.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            field = _location(err["loc"], data)
            if not err["loc"] and ": " in message and message.split(": ")[0].count(".") >= 1:
                field, message = message.split(": ", 1)  # model-level checks name their path
            problems.append(FormProblem(path, field, message))
        raise FormFileError(problems) from None
    if form.key != path.stem:
        raise FormFileError([FormProblem(path, "key", f"{form.key!r} must match the file name")])
    return form


@functools.cache
def all_forms() -> dict[str, FormDefinition]:
    """Every shipped form by key (validated once per process)."""
    forms: dict[str, FormDefinition] = {}
    problems: list[FormProblem] = []
    for path in sorted(FORMS_DIR.glob("*.yaml")):
        try:
            forms[path.stem] = parse_form(path)
        except FormFileError as exc:
            problems += exc.problems
    if problems:
        raise FormFileError(problems)
    return forms


def get_form(key: str) -> FormDefinition | None:
    return all_forms().get(key)


def has_form(basic_code: str) -> bool:
    """Whether the item with this basic code (or this bundle id) can be applied for online."""
    return basic_code.strip().upper() in all_forms() or basic_code in all_forms()


def bundles_with(basic_code: str) -> list[FormDefinition]:
    """The 一件事 bundles that include this item."""
    return [f for f in all_forms().values() if basic_code in f.members]
