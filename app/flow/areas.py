"""Administrative divisions offered by address fields: the county-level areas of a province,
from the national division table (``themes/divisions.py``) under the province's two-digit
GB/T 2260 prefix (``Province.prefix`` of the request context: nothing is looked up again)."""

from __future__ import annotations

import functools

from themes.divisions import counties_of


@functools.cache
def divisions(prefix: str) -> tuple[tuple[str, str], ...]:
    """``(12-digit code, full name)`` of every county-level area under ``prefix``, city by
    city (none for a prefix the national table does not have)."""
    return tuple((d.code, d.full_name) for d in counties_of(prefix))


def division_name(prefix: str, code: str) -> str | None:
    return dict(divisions(prefix)).get(code)
