"""Check-digit and structure validators for Chinese government codes.

* GB 11643 resident identity number: 17 digits + ISO 7064 MOD 11-2 check character.
* GB 32100 unified social credit code (USCC): 17 characters + a MOD 31 check character.
* GB/T 2260 administrative division code, 12-digit form used by the item catalogue.
* GB/T 39554.1 implementation code, in the observed shape
  ``{basic}-{area 12}-{000}-{USCC 18}-{type}-{sub}`` (field meanings unverified, so only
  the area code and the USCC are checked strictly).

Every validator returns the normalised value or raises ``ValueError`` with a plain reason
that names the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# GB/T 2260 province-level prefixes (31 mainland divisions plus Taiwan, Hong Kong, Macao).
PROVINCE_PREFIXES: frozenset[str] = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_BASIC_RE = re.compile(r"^[0-9A-Z]{8,20}$")
_PART_RE = re.compile(r"^[0-9A-Z]{1,10}$")


def id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for 17 leading digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"{first17!r} is not 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """Validate an 18-character resident identity number; return it upper-cased."""
    v = value.strip().upper()
    if len(v) != 18:
        raise ValueError(f"ID number {value!r} must have 18 characters, it has {len(v)}")
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        raise ValueError(f"ID number {value!r} must be 17 digits followed by a digit or X")
    if v[:2] not in PROVINCE_PREFIXES:
        raise ValueError(f"ID number {value!r} starts with unknown province code {v[:2]}")
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise ValueError(f"ID number {value!r} has an impossible birth date {v[6:14]}") from None
    if born > date.today() or born.year < 1880:
        raise ValueError(f"ID number {value!r} has an implausible birth date {v[6:14]}")
    expected = id_check_char(v[:17])
    if v[17] != expected:
        raise ValueError(
            f"ID number {value!r} has check character {v[17]}, the checksum gives {expected}"
        )
    return v


def org_code_check_char(first8: str) -> str:
    """Return the GB 11714 organisation-code check character for 8 leading characters."""
    total = sum(_ORG_CHARSET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100 check character for 17 leading characters."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError(f"{first17!r} is not 17 characters of the USCC alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


@lru_cache(maxsize=8192)  # implementing bodies repeat across thousands of items
def validate_uscc(value: str) -> str:
    """Validate an 18-character unified social credit code; return it upper-cased."""
    v = value.strip().upper()
    if len(v) != 18:
        raise ValueError(
            f"unified social credit code {value!r} must have 18 characters, it has {len(v)}"
        )
    bad = sorted({c for c in v if c not in _USCC_VALUE})
    if bad:
        raise ValueError(
            f"unified social credit code {value!r} contains characters not allowed by "
            f"GB 32100: {''.join(bad)} (I, O, S, V and Z are never used)"
        )
    if not v[2:8].isdigit():
        raise ValueError(
            f"unified social credit code {value!r}: characters 3-8 must be a 6-digit area code"
        )
    expected = uscc_check_char(v[:17])
    if v[17] != expected:
        raise ValueError(
            f"unified social credit code {value!r} has check character {v[17]}, "
            f"the checksum gives {expected}"
        )
    return v


@lru_cache(maxsize=8192)
def validate_area_code(value: str) -> str:
    """Validate a 12-digit administrative division code (GB/T 2260 extended to 12 digits)."""
    v = value.strip()
    if len(v) != 12 or not v.isdigit():
        raise ValueError(f"area code {value!r} must be exactly 12 digits")
    if v[:2] not in PROVINCE_PREFIXES:
        raise ValueError(f"area code {value!r} starts with unknown province code {v[:2]}")
    return v


def area_level(area_code: str) -> str:
    """Return 省级, 市级, 县级 or 乡级 for a 12-digit area code by its trailing zeros."""
    if area_code[2:] == "0" * 10:
        return "省级"
    if area_code[4:] == "0" * 8:
        return "市级"
    if area_code[6:] == "0" * 6:
        return "县级"
    return "乡级"


def validate_basic_code(value: str) -> str:
    """Validate a basic code (基本编码): upper-case letters and digits, 8-20 characters."""
    v = value.strip().upper()
    if not _BASIC_RE.match(v):
        raise ValueError(f"basic code {value!r} must be 8-20 upper-case letters or digits")
    return v


@dataclass(frozen=True, slots=True)
class ImplementationCode:
    """The parts of an implementation code."""

    basic: str
    area: str
    reserved: str
    uscc: str
    kind: str
    sub: str

    def __str__(self) -> str:
        return "-".join((self.basic, self.area, self.reserved, self.uscc, self.kind, self.sub))


def parse_implementation_code(value: str) -> ImplementationCode:
    """Split and check an implementation code; raise ``ValueError`` naming the bad part."""
    v = value.strip().upper()
    parts = v.split("-")
    if len(parts) != 6:
        raise ValueError(
            f"implementation code {value!r} must have 6 parts separated by '-' "
            "(basic-area-000-USCC-type-sub), it has {n}".format(n=len(parts))
        )
    basic, area, reserved, uscc, kind, sub = parts
    validate_basic_code(basic)
    try:
        validate_area_code(area)
        validate_uscc(uscc)
    except ValueError as exc:
        raise ValueError(f"implementation code {value!r}: {exc}") from None
    if not reserved.isdigit() or len(reserved) != 3:
        raise ValueError(f"implementation code {value!r}: third part must be 3 digits")
    for label, part in (("type", kind), ("sub", sub)):
        if not _PART_RE.match(part):
            raise ValueError(
                f"implementation code {value!r}: {label} part {part!r} must be 1-10 letters or digits"
            )
    return ImplementationCode(basic, area, reserved, uscc, kind, sub)


def validate_implementation_code(value: str) -> str:
    """Validate an implementation code; return it normalised."""
    return str(parse_implementation_code(value))


def make_uscc(registration: str, category: str, area6: str, org8: str) -> str:
    """Build a valid USCC from its parts, computing both check characters."""
    org9 = org8 + org_code_check_char(org8)
    first17 = registration + category + area6 + org9
    return first17 + uscc_check_char(first17)


def mask_id_number(value: str) -> str:
    """Mask a resident ID number for display: first 4 and last 4 characters."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
