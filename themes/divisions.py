"""Administrative divisions (GB/T 2260): the national table of province, city and county codes.

One table for every province (``themes/base/divisions.csv``): a province folder names its two-digit
prefix (``[identity] division``) and every area code in its catalogue must be a division of the
table under that prefix. Codes are 12 digits: ``PP CC DD 000000`` (province, city, county).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "base" / "divisions.csv"


@dataclass(frozen=True, slots=True)
class Division:
    """One division: its code, its own name and the names above it (``山东省 济南市 历下区``)."""

    code: str
    name: str
    full_name: str

    @property
    def level(self) -> str:
        """省级, 市级 or 县级, by the code's trailing zeros."""
        if self.code[2:] == "0" * 10:
            return "省级"
        return "市级" if self.code[4:] == "0" * 8 else "县级"


@functools.cache
def _table() -> dict[str, str]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        lines = (line for line in f if not line.startswith("#"))
        return {row["code"]: row["name"] for row in csv.DictReader(lines)}


def _parents(code: str) -> list[str]:
    return [code[:2] + "0" * 10, code[:4] + "0" * 8]


@functools.cache
def division(code: str) -> Division | None:
    """The division with this 12-digit code, or ``None`` when the table has none.

    ``full_name`` is how an address names it: city and county (``济南市历下区``); a
    municipality's districts keep the municipality's name (``重庆市渝中区``).
    """
    table = _table()
    name = table.get(code)
    if name is None:
        return None
    province_code, city_code = _parents(code)
    if code in (province_code, city_code):
        return Division(code, name, name)
    above = table.get(city_code) or table.get(province_code, "")
    return Division(code, name, above + name if above != name else name)


def exists(code: str) -> bool:
    return code in _table()


def province_division(prefix: str) -> Division | None:
    """The province-level division of a two-digit prefix (``"37"`` -> 山东省)."""
    return division(prefix + "0" * 10) if len(prefix) == 2 and prefix.isdigit() else None


@functools.cache
def divisions_of(prefix: str) -> tuple[Division, ...]:
    """Every division under a two-digit province prefix, the province first, in code order."""
    return tuple(
        d
        for code in sorted(c for c in _table() if c.startswith(prefix))
        if (d := division(code)) is not None
    )


def counties_of(prefix: str) -> tuple[Division, ...]:
    """The county-level divisions of a province (what an address field offers)."""
    return tuple(d for d in divisions_of(prefix) if d.level == "县级")


def area_problem(code: str, prefix: str) -> str | None:
    """Why ``code`` is not an area of the province with ``prefix``; ``None`` when it is."""
    if not (len(code) == 12 and code.isdigit()):
        return "must be a 12-digit administrative division code (GB/T 2260)"
    if not code.startswith(prefix):
        return f"is not an area of this province (its codes start with {prefix})"
    if not exists(code):
        return "is not an administrative division (GB/T 2260 table, themes/base/divisions.csv)"
    return None
