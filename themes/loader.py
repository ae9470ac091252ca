"""Load a province folder into a validated :class:`Theme` (all problems reported at once)."""

from __future__ import annotations

import base64
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from themes.schema import ThemeFile

THEMES_DIR = Path(__file__).resolve().parent
BASE_TOKENS = THEMES_DIR / "base" / "tokens.toml"
DEFAULT_PROVINCE = "shandong"
TIERS = ("palette", "scale", "role", "component")

_REF = re.compile(r"^\{(palette|scale|role|component)\.([a-z0-9-]+)\}$")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_UNSAFE_CSS = re.compile(r"[;{}<>\\]")


@dataclass(frozen=True)
class ThemeProblem:
    """One thing wrong with a theme: the file, the field (dotted path) and why."""

    file: Path
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else str(self.file)
        return f"{where}: {self.message}"


class ThemeError(Exception):
    """A theme could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[ThemeProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"theme is invalid ({len(problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Theme:
    """A loaded province: its code, folder, validated settings and resolved tokens."""

    code: str
    folder: Path
    settings: ThemeFile
    tokens: dict[str, str] = field(repr=False)
    mark_svg: str = field(repr=False)
    values: dict[str, str] = field(default_factory=dict, repr=False)

    def value(self, name: str) -> str:
        """The final value of a token (references followed), e.g. ``value("--yw-brand")``."""
        return self.values[name]

    @property
    def html_lang(self) -> str:
        """BCP 47 tag for ``<html lang>``."""
        return self.settings.identity.locale.replace("_", "-")

    @property
    def mark_data_uri(self) -> str:
        encoded = base64.b64encode(self.mark_svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"

    def css(self) -> str:
        """The tokens as CSS custom properties on :root."""
        body = ";".join(f"{name}:{value}" for name, value in self.tokens.items())
        return f":root{{{body}}}"


def available_provinces() -> list[str]:
    """Folders under ``themes/`` that hold a ``theme.toml``."""
    return sorted(p.parent.name for p in THEMES_DIR.glob("*/theme.toml"))


def province_dir_from_env(environ: dict[str, str] | None = None) -> Path:
    """The province folder the environment asks for (``YIWANG_PROVINCE_DIR`` wins)."""
    env = os.environ if environ is None else environ
    if explicit := env.get("YIWANG_PROVINCE_DIR"):
        return Path(explicit).expanduser().resolve()
    code = env.get("YIWANG_PROVINCE", DEFAULT_PROVINCE).strip()
    if not _KEY.match(code) or not (THEMES_DIR / code / "theme.toml").is_file():
        known = ", ".join(available_provinces()) or "none"
        raise ThemeError(
            [
                ThemeProblem(
                    THEMES_DIR / code,
                    "YIWANG_PROVINCE",
                    f"unknown province {code!r}: no folder with a theme.toml under "
                    f"{THEMES_DIR} (known: {known}); or set YIWANG_PROVINCE_DIR to a folder",
                )
            ]
        )
    return THEMES_DIR / code


def _read_toml(path: Path) -> tuple[dict, list[ThemeProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, [ThemeProblem(path, "", "file not found")]
    except UnicodeDecodeError as exc:
        return {}, [ThemeProblem(path, "", f"not UTF-8 text (byte {exc.start})")]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return {}, [ThemeProblem(path, "", f"malformed TOML: {exc}")]


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _resolve_tokens(
    raw: dict[str, dict[str, str]], origin: dict[tuple[str, str], Path]
) -> tuple[dict[str, str], dict[str, str], list[ThemeProblem]]:
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
        where = origin[(tier, key)]
        if target in trail:
            chain = " -> ".join(f"{t}.{k}" for t, k in (*trail, target))
            problems.append(ThemeProblem(where, f"tokens.{tier}.{key}", f"circular: {chain}"))
            return None
        if target[1] not in raw.get(target[0], {}):
            problems.append(
                ThemeProblem(where, f"tokens.{tier}.{key}", f"refers to unknown token {value}")
            )
            return None
        result = value_of(*target, (*trail, (tier, key)))
        if result is not None:
            resolved[(tier, key)] = result
        return result

    css: dict[str, str] = {}
    final: dict[str, str] = {}
    for tier in TIERS:
        for key in raw[tier]:
            if (resolved_value := value_of(tier, key, ())) is None:
                continue
            prefix = f"--yw-{tier}-" if tier in ("palette", "scale") else "--yw-"
            final[f"{prefix}{key}"] = resolved_value
            raw_value = raw[tier][key]
            match = _REF.match(raw_value)
            if match:  # keep the reference live in CSS so the tiers stay visible in devtools
                t, k = match.groups()
                ref_prefix = f"--yw-{t}-" if t in ("palette", "scale") else "--yw-"
                css[f"{prefix}{key}"] = f"var({ref_prefix}{k})"
            else:
                css[f"{prefix}{key}"] = raw_value
    return css, final, problems


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


def load_theme(folder: Path | None = None) -> Theme:
    """Load and validate a province folder; raise :class:`ThemeError` listing every problem."""
    folder = province_dir_from_env() if folder is None else Path(folder).resolve()
    theme_path = folder / "theme.toml"
    problems: list[ThemeProblem] = []
    if not folder.is_dir():
        raise ThemeError([ThemeProblem(folder, "", "province folder does not exist")])

    base, base_problems = _read_toml(BASE_TOKENS)
    data, data_problems = _read_toml(theme_path)
    problems += base_problems + data_problems
    if problems:
        raise ThemeError(problems)

    settings: ThemeFile | None = None
    try:
        settings = ThemeFile.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            value = f" (got {err['input']!r})" if err["type"] != "missing" else ""
            problems.append(ThemeProblem(theme_path, _field_path(err["loc"]), err["msg"] + value))

    raw: dict[str, dict[str, str]] = {tier: dict(base.get(tier, {})) for tier in TIERS}
    origin = {(tier, key): BASE_TOKENS for tier in TIERS for key in raw[tier]}
    for tier, values in (data.get("tokens") or {}).items():
        if tier not in TIERS or not isinstance(values, dict):
            continue  # already reported by the schema
        for key, value in values.items():
            if key not in raw[tier]:
                problems.append(
                    ThemeProblem(theme_path, f"tokens.{tier}.{key}", "no such token in themes/base")
                )
                continue
            problems += _check_value(tier, key, value, theme_path)
            raw[tier][key] = value
            origin[(tier, key)] = theme_path
    tokens, values, token_problems = _resolve_tokens(raw, origin)
    problems += token_problems

    mark_svg = ""
    if settings is not None:
        mark_path = (folder / settings.identity.mark).resolve()
        if not mark_path.is_relative_to(folder):
            problems.append(
                ThemeProblem(theme_path, "identity.mark", "must stay inside the folder")
            )
        elif not mark_path.is_file():
            problems.append(
                ThemeProblem(theme_path, "identity.mark", f"file not found: {mark_path}")
            )
        else:
            mark_svg = mark_path.read_text(encoding="utf-8")
            if "<svg" not in mark_svg or "<script" in mark_svg.lower():
                problems.append(
                    ThemeProblem(mark_path, "identity.mark", "must be an SVG without scripts")
                )

    if problems or settings is None:
        raise ThemeError(problems)
    return Theme(folder.name, folder, settings, tokens, mark_svg, values)
