"""Administrative divisions offered by address fields: the county-level areas of a province,
from the national division table (``themes/divisions.py``) under the province's prefix."""

from __future__ import annotations

import functools

from app.catalogue.provinces import province as province_by_code
from themes.divisions import counties_of


@functools.cache
def divisions(province: str) -> tuple[tuple[str, str], ...]:
    """``(12-digit code, full name)`` of every county-level area, city by city.

    Raises ``KeyError`` naming the known provinces for an unknown code.
    """
    prefix = province_by_code(province).prefix
    return tuple((d.code, d.full_name) for d in counties_of(prefix))


def division_name(province: str, code: str) -> str | None:
    return dict(divisions(province)).get(code)
