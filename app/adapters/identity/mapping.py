"""Claim mapping of a province's identity provider: ``<province folder>/identity.toml``.

Which scopes the client asks for, which claims hold the name, ID number, phone, account type,
business name and USCC, and how the provider's assurance claim (``acr`` or a province's own
level claim, integer or string) maps to 一级/二级/三级实名. A folder without the file uses
:data:`DEFAULT_MAPPING` (the vocabulary of ``sandboxes.idp``). The format is
documented in ``docs/identity.md``.

``load_mapping(folder)`` returns the mapping and the problems found, as
``themes.ThemeProblem(file, field, message)``, so that ``python -m themes check`` can list them.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.enums import Audience
from themes import ThemeProblem

FILE_NAME = "identity.toml"
CLAIM_FIELDS = ("name", "id_number", "phone", "account_type", "org_name", "uscc")


@dataclass(frozen=True)
class ClaimMapping:
    """How one provider's claims become an :class:`~app.adapters.identity.Identity`."""

    scopes: tuple[str, ...] = ("openid", "profile", "phone", "idcard")
    name: str = "name"
    id_number: str = "id_number"
    phone: str = "phone_number"
    #: empty: the provider has no account-type claim (business when a USCC is present)
    account_type: str = "account_type"
    org_name: str = "org_name"
    uscc: str = "uscc"
    #: the provider's account-type values of each audience (by default its English key)
    business_values: tuple[str, ...] = (Audience.LEGAL_PERSON.key,)
    person_values: tuple[str, ...] = (Audience.PERSON.key,)
    level_claim: str = "real_name_level"
    #: the assurance claim's value (as text: 3 and "3" are the same) -> real-name level 1-3
    levels: dict[str, int] = field(default_factory=lambda: {"1": 1, "2": 2, "3": 3})
    source: str = "built-in defaults"

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)

    @property
    def acr_values(self) -> str:
        """When the level is the standard ``acr`` claim, the ``acr_values`` to request (most
        preferred first): OpenID providers put ``acr`` into the ID token when it is asked for
        (Core 3.1.2.1, 5.5.1.1), and a voluntary request does not limit who may log in."""
        if self.level_claim != "acr":
            return ""
        return " ".join(sorted(self.levels, key=lambda v: -self.levels[v]))


DEFAULT_MAPPING = ClaimMapping()


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    return None


def parse_mapping(data: dict[str, Any], path: Path) -> tuple[ClaimMapping, list[ThemeProblem]]:
    """The mapping in ``data`` (a parsed identity.toml); problems name ``path`` and the field."""
    problems: list[ThemeProblem] = []

    def bad(where: str, message: str) -> None:
        problems.append(ThemeProblem(path, where, message))

    known = {"scopes", "claims", "account_type", "level"}
    for key in data:
        if key not in known:
            bad(key, f"unknown setting; known: {', '.join(sorted(known))}")
    values: dict[str, Any] = {"source": str(path)}

    if "scopes" in data:
        scopes = _strings(data["scopes"])
        if not scopes:
            bad("scopes", 'must be a list of scope names, e.g. ["openid", "profile"]')
        elif "openid" not in scopes:
            bad("scopes", 'must include "openid" (OpenID Connect needs it)')
        else:
            values["scopes"] = tuple(dict.fromkeys(scopes))

    claims = data.get("claims", {})
    if not isinstance(claims, dict):
        bad("claims", 'must be a table of field = "claim name"')
        claims = {}
    for key, claim in claims.items():
        if key not in CLAIM_FIELDS:
            bad(f"claims.{key}", f"unknown field; known: {', '.join(CLAIM_FIELDS)}")
        elif not isinstance(claim, str) or (key in {"name", "id_number"} and not claim.strip()):
            bad(f"claims.{key}", "must be the name of a claim (text)")
        else:
            values[key] = claim.strip()

    kinds = data.get("account_type", {})
    if not isinstance(kinds, dict):
        bad("account_type", "must be a table with person = [...] and business = [...]")
        kinds = {}
    for key, given in kinds.items():
        if key not in {a.key for a in Audience}:
            bad(f"account_type.{key}", "unknown; known: business, person")
            continue
        listed = _strings(given) if not isinstance(given, str) else (given,)
        if not listed:
            bad(f"account_type.{key}", "must be a list of claim values")
        else:
            values[f"{key}_values"] = listed

    level = data.get("level", {})
    if not isinstance(level, dict):
        bad("level", 'must be a table with claim = "…" and [level.values]')
        level = {}
    for key in level:
        if key not in {"claim", "values"}:
            bad(f"level.{key}", "unknown setting; known: claim, values")
    if "claim" in level:
        if not isinstance(level["claim"], str) or not level["claim"].strip():
            bad("level.claim", "must be the name of the claim holding the assurance level")
        else:
            values["level_claim"] = level["claim"].strip()
    if "values" in level:
        table = level["values"]
        levels: dict[str, int] = {}
        if not isinstance(table, dict) or not table:
            bad("level.values", 'must map the claim\'s values to 1, 2 or 3, e.g. "loa3" = 3')
        else:
            for given, target in table.items():
                if isinstance(target, bool) or target not in (1, 2, 3):
                    bad(f"level.values.{given}", f"must be 1, 2 or 3, got {target!r}")
                else:
                    levels[str(given).strip()] = int(target)
            if levels:
                values["levels"] = levels
    elif "claim" in level:
        bad("level.values", "say which values of the level claim mean 一级, 二级 and 三级")

    mapping = ClaimMapping(**values)
    overlap = set(mapping.person_values) & set(mapping.business_values)
    if overlap:
        bad("account_type", f"{', '.join(sorted(overlap))} listed as both person and business")
    return mapping, problems


def load_mapping(folder: Path) -> tuple[ClaimMapping, list[ThemeProblem]]:
    """The claim mapping of the province folder (defaults when it has no identity.toml)."""
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return DEFAULT_MAPPING, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return DEFAULT_MAPPING, [ThemeProblem(path, "", f"cannot be read: {exc}")]
    return parse_mapping(data, path)


def mapping_problems(folder: Path) -> list[ThemeProblem]:
    """For ``python -m themes check``: what is wrong with the folder's identity.toml."""
    return load_mapping(folder)[1]


@functools.lru_cache(maxsize=64)
def _cached(folder: str, mtime_ns: int) -> ClaimMapping:
    mapping, problems = load_mapping(Path(folder))
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    return mapping


def mapping_for(folder: Path) -> ClaimMapping:
    """The folder's mapping for a request (cached until the file changes); raises
    ``ValueError`` listing every problem when the file is wrong."""
    path = Path(folder) / FILE_NAME
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _cached(str(folder), mtime)
