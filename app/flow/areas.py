"""Administrative divisions offered by address fields: the county-level areas of a province."""

from __future__ import annotations

import functools

from app.catalogue.build.places import SHIPPED

_PROVINCES = SHIPPED


@functools.cache
def divisions(province: str) -> tuple[tuple[str, str], ...]:
    """``(12-digit code, full name)`` of every county-level area, city by city."""
    data = _PROVINCES.get(province)
    if data is None:
        known = ", ".join(sorted(_PROVINCES))
        raise ValueError(f"no administrative divisions for province {province!r}; known: {known}")
    return tuple((a.code, a.name) for county_list in data.counties for a in county_list)


def division_name(province: str, code: str) -> str | None:
    return dict(divisions(province)).get(code)
