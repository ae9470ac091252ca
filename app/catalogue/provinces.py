"""The provinces Yiwang ships, by the short code used across the project."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Province:
    """A province: short code, GB/T 2260 two-digit prefix, and names."""

    code: str
    prefix: str
    name: str
    short_name: str


PROVINCES: dict[str, Province] = {
    p.code: p
    for p in (
        Province("shandong", "37", "山东省", "鲁"),
        Province("sichuan", "51", "四川省", "川"),
    )
}


def province(code: str) -> Province:
    """Return the province for a short code; ``KeyError`` names the known codes."""
    try:
        return PROVINCES[code]
    except KeyError:
        known = ", ".join(sorted(PROVINCES))
        raise KeyError(f"unknown province {code!r}; known: {known}") from None


def province_of_area(area_code: str) -> str | None:
    """Return the short province code for an area code, or ``None`` if not shipped."""
    for p in PROVINCES.values():
        if area_code.startswith(p.prefix):
            return p.code
    return None
