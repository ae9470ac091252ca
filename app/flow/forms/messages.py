"""The translatable texts of a form file, for Babel extraction and the i18n check.

A form's labels, hints, option labels, step titles and intros, declaration, consent text and
next steps are message ids: ``babel.cfg`` extracts them with ``extract_form`` (the built-in
forms and those of the province folders in ``themes/``); the wizard shows them through
``app.text.stext``. A province folder outside the repository carries its own
catalogues (``<folder>/locales/<locale>.po``), which ``scripts/i18n.py check`` checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

import yaml

#: keys whose string values are shown to citizens (lists of strings: every item)
TEXT_KEYS = frozenset(
    {"title", "intro", "label", "hint", "declaration", "sensitive_consent", "next_steps"}
)


def form_texts(data: object) -> Iterator[str]:
    """Every user-visible text of a parsed form file, in file order."""
    # parsed YAML: mappings and lists of anything
    if isinstance(data, dict):
        for key, value in cast("dict[object, object]", data).items():
            if key in TEXT_KEYS:
                values = cast("list[object]", value) if isinstance(value, list) else [value]
                yield from (v.strip() for v in values if isinstance(v, str) and v.strip())
            else:
                yield from form_texts(value)
    elif isinstance(data, list):
        for value in cast("list[object]", data):
            yield from form_texts(value)


def texts_of(path: Path) -> list[str]:
    return list(dict.fromkeys(form_texts(yaml.safe_load(path.read_text(encoding="utf-8")))))


def extract_form(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extraction method for form YAML files (``babel.cfg``)."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    for message in dict.fromkeys(form_texts(yaml.safe_load(text))):
        lineno = next((i + 1 for i, line in enumerate(lines) if message in line), 0)
        yield lineno, None, message, []
