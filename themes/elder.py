"""Elder mode (长辈版) token overrides: the ``[elder.<tier>]`` tables of ``themes/base/tokens.toml``.

They apply under ``<html data-mode="elder">`` and change only scale, role and component tokens
that exist in the base tiers, so every component grows with them without knowing the mode.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from themes.loader import BASE_TOKENS, TIERS, ThemeError, ThemeProblem

ELDER_SELECTOR = ':root[data-mode="elder"]'
_REF = re.compile(r"^\{(palette|scale|role|component)\.([a-z0-9-]+)\}$")
_UNSAFE_CSS = re.compile(r"[;{}<>\\]")


def _prop(tier: str, key: str) -> str:
    return f"--yw-{tier}-{key}" if tier in ("palette", "scale") else f"--yw-{key}"


def elder_tokens(path: Path = BASE_TOKENS) -> dict[str, str]:
    """CSS custom properties the elder mode overrides, references kept as ``var()``."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    problems: list[ThemeProblem] = []
    out: dict[str, str] = {}
    for tier, values in (data.get("elder") or {}).items():
        if tier not in TIERS or tier == "palette" or not isinstance(values, dict):
            problems.append(
                ThemeProblem(path, f"elder.{tier}", "must be a table of scale, role or component")
            )
            continue
        for key, value in values.items():
            field = f"elder.{tier}.{key}"
            if key not in data.get(tier, {}):
                problems.append(ThemeProblem(path, field, f"no such token in [{tier}]"))
            elif isinstance(value, str) and (match := _REF.match(value)):
                ref_tier, ref_key = match.groups()
                if ref_key not in data.get(ref_tier, {}):
                    problems.append(ThemeProblem(path, field, f"refers to unknown token {value}"))
                else:
                    out[_prop(tier, key)] = f"var({_prop(ref_tier, ref_key)})"
            elif not isinstance(value, str) or not value or _UNSAFE_CSS.search(value):
                problems.append(ThemeProblem(path, field, f"{value!r} is not a safe CSS value"))
            else:
                out[_prop(tier, key)] = value
    if problems:
        raise ThemeError(problems)
    return out


def elder_css(path: Path = BASE_TOKENS) -> str:
    body = ";".join(f"{name}:{value}" for name, value in elder_tokens(path).items())
    return f"{ELDER_SELECTOR}{{{body}}}"
