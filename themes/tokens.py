"""A province's design tokens over the base's (three tiers: palette, scale, role, component
references resolved, values checked) and the colour pairs that must keep their contrast."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from themes.contrast import check_pairs, constraints_on, nearest_passing_all
from themes.problems import ThemeProblem

BASE_TOKENS = Path(__file__).resolve().parent / "base" / "tokens.toml"
TIERS = ("palette", "scale", "role", "component")

_REF = re.compile(r"^\{(palette|scale|role|component)\.([a-z0-9-]+)\}$")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
KEY_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_UNSAFE_CSS = re.compile(r"[;{}<>\\]")


def _css_name(tier: str, key: str) -> str:
    return f"--yw-{tier}-{key}" if tier in ("palette", "scale") else f"--yw-{key}"


Origins = dict[tuple[str, str], tuple[Path, str]]  # (tier, key) -> (file, table prefix)


@dataclass
class _Resolved:
    css: dict[str, str]  # --yw-name -> CSS value (references kept as var())
    values: dict[str, str]  # --yw-name -> final value
    links: dict[str, tuple[str, str]]  # --yw-name -> (tier, key)


def resolve_tokens(
    raw: dict[str, dict[str, str]], origin: Origins
) -> tuple[_Resolved, list[ThemeProblem]]:
    problems: list[ThemeProblem] = []
    resolved: dict[tuple[str, str], str] = {}

    def value_of(tier: str, key: str, trail: tuple[tuple[str, str], ...]) -> str | None:
        if (tier, key) in resolved:
            return resolved[(tier, key)]
        value = raw[tier][key]
        match = _REF.match(value)
        if not match:
            resolved[(tier, key)] = value
            return value
        target = (match.group(1), match.group(2))
        where, prefix = origin[(tier, key)]
        if target in trail:
            chain = " -> ".join(f"{t}.{k}" for t, k in (*trail, target))
            problems.append(ThemeProblem(where, f"{prefix}{tier}.{key}", f"circular: {chain}"))
            return None
        if target[1] not in raw.get(target[0], {}):
            problems.append(
                ThemeProblem(where, f"{prefix}{tier}.{key}", f"refers to unknown token {value}")
            )
            return None
        result = value_of(*target, (*trail, (tier, key)))
        if result is not None:
            resolved[(tier, key)] = result
        return result

    out = _Resolved({}, {}, {})
    for tier in TIERS:
        for key in raw[tier]:
            if (resolved_value := value_of(tier, key, ())) is None:
                continue
            name = _css_name(tier, key)
            out.values[name] = resolved_value
            out.links[name] = (tier, key)
            match = _REF.match(raw[tier][key])
            # keep the reference live in CSS so the tiers stay visible in devtools
            out.css[name] = f"var({_css_name(*match.groups())})" if match else raw[tier][key]
    return out, problems


def _chain(
    tier: str, key: str, raw: dict[str, dict[str, str]], origin: Origins
) -> list[tuple[str, str, Path, str]]:
    """The reference chain from a token to its literal value: (tier, key, file, table)."""
    links: list[tuple[str, str, Path, str]] = []
    seen: set[tuple[str, str]] = set()
    while (tier, key) not in seen and key in raw.get(tier, {}):
        seen.add((tier, key))
        links.append((tier, key, *origin[(tier, key)]))
        match = _REF.match(raw[tier][key])
        if not match:
            break
        tier, key = match.groups()
    return links


def _check_value(tier: str, key: str, value: object, path: Path) -> list[ThemeProblem]:
    name = f"tokens.{tier}.{key}"
    if not isinstance(value, str):
        return [ThemeProblem(path, name, f"must be a string, got {value!r}")]
    if _REF.match(value):
        return []
    if tier == "palette" and not _COLOUR.match(value):
        return [ThemeProblem(path, name, f"{value!r} is not a colour like #1760c4")]
    if _UNSAFE_CSS.search(value) or not value:
        return [ThemeProblem(path, name, f"{value!r} is not a safe CSS value")]
    return []


def overlay_tokens(
    base_tables: dict,
    province_tables: dict,
    base_path: Path,
    theme_path: Path,
    field_prefix: str,
    raw: dict[str, dict[str, str]],
    origin: Origins,
) -> list[ThemeProblem]:
    """Apply base then province overrides (one tier table each) onto ``raw``; check each value."""
    problems: list[ThemeProblem] = []
    for path, tables, prefix in (
        (base_path, base_tables, field_prefix.removeprefix("tokens.")),
        (theme_path, province_tables, field_prefix),
    ):
        for tier, values in (tables or {}).items():
            if tier not in TIERS or not isinstance(values, dict):
                if path == base_path:
                    problems.append(ThemeProblem(path, f"{prefix}{tier}", "not a token tier"))
                continue  # a province's is already reported by the schema
            for key, value in values.items():
                name = f"{prefix}{tier}.{key}"
                if key not in raw[tier]:
                    problems.append(ThemeProblem(path, name, "no such token in themes/base"))
                    continue
                found = _check_value(tier, key, value, path)
                problems += [ThemeProblem(p.file, name, p.message) for p in found]
                if not found:
                    raw[tier][key] = value
                    origin[(tier, key)] = (path, prefix)
    return problems


def contrast_problems(
    resolved: _Resolved,
    raw: dict[str, dict[str, str]],
    origin: Origins,
    theme_path: Path,
    mode: str,
) -> list[ThemeProblem]:
    by_short = {name.removeprefix("--yw-"): link for name, link in resolved.links.items()}
    values = {name.removeprefix("--yw-"): value for name, value in resolved.values.items()}
    province_set = {
        short
        for short, (tier, key) in by_short.items()
        if any(link[2] != BASE_TOKENS for link in _chain(tier, key, raw, origin))
    }
    failures, not_colours = check_pairs(values, mode, prefer=province_set)
    problems: list[ThemeProblem] = []
    for short in not_colours:
        if short not in by_short:
            continue  # a missing token is reported by the resolver
        tier, key = by_short[short]
        links = _chain(tier, key, raw, origin)
        tier, key, path, prefix = links[-1]
        problems.append(
            ThemeProblem(
                path,
                f"{prefix}{tier}.{key}",
                f"{short} is drawn as a colour ({mode} mode) but {values[short]!r} is not "
                "a colour like #1760c4",
            )
        )
    summary: dict[tuple[Path, str], tuple[str, set[str]]] = {}
    for failure in failures:
        tier, key = by_short[failure.adjust]
        links = _chain(tier, key, raw, origin)
        # the link to change: the first one the province set, else the literal at the end
        tier, key, path, prefix = next((link for link in links if link[2] == theme_path), links[-1])
        chain = " -> ".join(
            f"{t}.{k}" + (f" ({p.name} [{pre.rstrip('.') or 'base'}])" if p != BASE_TOKENS else "")
            for t, k, p, pre in links
        )
        where = f"{path} ({chain})" if len(links) > 1 else str(path)
        problems.append(ThemeProblem(path, f"{prefix}{tier}.{key}", failure.message(where)))
        # the tokens that draw with this setting's colour, for one fix passing every pair
        sharing = {
            short
            for short, (t, k) in by_short.items()
            if any((link[0], link[1]) == (tier, key) for link in _chain(t, k, raw, origin))
        }
        summary.setdefault((path, f"{prefix}{tier}.{key}"), (values[failure.adjust], set()))
        summary[(path, f"{prefix}{tier}.{key}")][1].update(sharing)
    for (path, field_name), (colour, sharing) in summary.items():
        fix = nearest_passing_all(colour, constraints_on(values, sharing))
        if fix and len([p for p in problems if p.field == field_name and p.file == path]) > 1:
            problems.append(
                ThemeProblem(
                    path,
                    field_name,
                    f"one colour passing every pair above ({mode} mode): {fix}",
                )
            )
    return problems
