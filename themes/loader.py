"""Load a province folder into a validated :class:`Theme` (all problems reported at once):
its settings, its design tokens over the base's (``themes.tokens``), its assets and the
languages it offers."""

from __future__ import annotations

import base64
import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from components.locales import LOCALES_DIR, SOURCE_LOCALE
from themes.divisions import province_division
from themes.problems import ThemeError, ThemeProblem, file_problem
from themes.schema import ThemeFile
from themes.tokens import (
    BASE_TOKENS,
    KEY_NAME,
    TIERS,
    Origins,
    contrast_problems,
    overlay_tokens,
    resolve_tokens,
)

THEMES_DIR = Path(__file__).resolve().parent
DEFAULT_PROVINCE = "shandong"


@dataclass(frozen=True)
class Theme:
    """A loaded province: its code, folder, validated settings and resolved tokens.

    ``tokens`` / ``values``: standard mode (CSS form with var() references / final values);
    ``elder_tokens``: what elder mode re-declares (every token whose value changes there,
    including those that only refer to a changed one, since custom properties resolve where
    they are declared); ``elder_values``: final values in elder mode.
    """

    code: str
    folder: Path
    settings: ThemeFile
    tokens: dict[str, str] = field(repr=False)
    mark_svg: str = field(repr=False)
    values: dict[str, str] = field(default_factory=dict, repr=False)
    elder_tokens: dict[str, str] = field(default_factory=dict, repr=False)
    elder_values: dict[str, str] = field(default_factory=dict, repr=False)
    favicon: str = field(default="", repr=False)
    favicon_type: str = "image/svg+xml"

    def value(self, name: str) -> str:
        """The final value of a token (references followed), e.g. ``value("--yw-brand")``."""
        return self.values[name]

    @property
    def default_language(self) -> str:
        return self.settings.features.default_language

    @property
    def html_lang(self) -> str:
        """BCP 47 tag for ``<html lang>``."""
        return self.default_language.replace("_", "-")

    @property
    def short_name(self) -> str:
        ident = self.settings.identity
        return ident.short_name or ident.app_name

    @property
    def mark_data_uri(self) -> str:
        return _data_uri(self.mark_svg.encode("utf-8"), "image/svg+xml")

    def css(self, scope: str = ":root") -> str:
        """The tokens as CSS custom properties on ``scope``, then the elder-mode overrides.

        Elder mode applies on ``[data-mode="elder"]`` (on ``<html>`` or on any wrapper).
        With a scope other than ``:root`` (several provinces in one build) both rules are
        limited to it, e.g. ``html[data-province="sichuan"]``.
        """
        body = ";".join(f"{name}:{value}" for name, value in self.tokens.items())
        elder = ";".join(f"{name}:{value}" for name, value in self.elder_tokens.items())
        if scope == ":root":
            elder_scope = '[data-mode="elder"]'
        else:
            elder_scope = f'{scope}[data-mode="elder"],{scope} [data-mode="elder"]'
        return f"{scope}{{{body}}}{elder_scope}{{{elder}}}"


def available_provinces() -> list[str]:
    """Folders under ``themes/`` that hold a ``theme.toml``."""
    return sorted(p.parent.name for p in THEMES_DIR.glob("*/theme.toml"))


def province_dir_from_env(environ: dict[str, str] | None = None) -> Path:
    """The province folder the environment asks for (``YIWANG_PROVINCE_DIR`` wins)."""
    env = os.environ if environ is None else environ
    if explicit := env.get("YIWANG_PROVINCE_DIR"):
        return Path(explicit).expanduser().resolve()
    code = env.get("YIWANG_PROVINCE", DEFAULT_PROVINCE).strip()
    if not KEY_NAME.match(code) or not (THEMES_DIR / code / "theme.toml").is_file():
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


def _svg_problems(path: Path, field_name: str) -> tuple[str, list[ThemeProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "", [ThemeProblem(path, field_name, "not UTF-8 SVG text")]
    lowered = text.lower()
    if "<svg" not in lowered or "<script" in lowered or re.search(r"\son\w+\s*=", lowered):
        return "", [
            ThemeProblem(path, field_name, "must be an SVG without scripts or event handlers")
        ]
    return text, []


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
            value = f" (got {err['input']!r})" if err["type"] not in ("missing",) else ""
            if isinstance(err["input"], dict):
                value = ""
            message = err["msg"] + value
            if err["type"] == "extra_forbidden":
                message = unknown_key_message(ThemeFile, err["loc"])
            problems.append(ThemeProblem(theme_path, _field_path(err["loc"]), message))

    before_tokens = len(problems)
    # standard mode: base tiers, then the province's [tokens.<tier>] tables
    raw: dict[str, dict[str, str]] = {tier: dict(base.get(tier, {})) for tier in TIERS}
    origin: Origins = {(tier, key): (BASE_TOKENS, "") for tier in TIERS for key in raw[tier]}
    tokens_data: dict[str, Any] = data["tokens"] if isinstance(data.get("tokens"), dict) else {}
    province_std = {k: v for k, v in tokens_data.items() if k != "elder"}
    problems += overlay_tokens({}, province_std, BASE_TOKENS, theme_path, "tokens.", raw, origin)
    standard, token_problems = resolve_tokens(raw, origin)
    problems += token_problems

    # elder mode: the standard tokens, then base [elder.<tier>], then [tokens.elder.<tier>]
    elder_raw = {tier: dict(values) for tier, values in raw.items()}
    elder_origin = dict(origin)
    province_elder: dict[str, Any] = (
        tokens_data["elder"] if isinstance(tokens_data.get("elder"), dict) else {}
    )
    problems += overlay_tokens(
        base.get("elder", {}),
        province_elder,
        BASE_TOKENS,
        theme_path,
        "tokens.elder.",
        elder_raw,
        elder_origin,
    )
    elder, elder_problems = resolve_tokens(elder_raw, elder_origin)
    problems += [p for p in elder_problems if p not in token_problems]

    if len(problems) == before_tokens:  # contrast needs every token resolved
        problems += contrast_problems(standard, raw, origin, theme_path, "standard")
        elder_found = contrast_problems(elder, elder_raw, elder_origin, theme_path, "elder")
        # a pair failing alike in both modes is reported once (by the standard mode)
        problems += [
            p
            for p in elder_found
            if p.message.replace("elder mode", "standard mode") not in {q.message for q in problems}
        ]

    mark_svg, favicon, favicon_type = "", "", "image/svg+xml"
    if settings is not None:
        ident = settings.identity
        mark_path, found = file_problem(folder, theme_path, "identity.mark", ident.mark, "file")
        problems += found
        if mark_path:
            mark_svg, found = _svg_problems(mark_path, "identity.mark")
            problems += found
        favicon = _data_uri(mark_svg.encode("utf-8"), "image/svg+xml") if mark_svg else ""
        if ident.favicon:
            icon_path, found = file_problem(
                folder, theme_path, "identity.favicon", ident.favicon, "file"
            )
            problems += found
            if icon_path and icon_path.suffix.lower() == ".svg":
                text, found = _svg_problems(icon_path, "identity.favicon")
                problems += found
                favicon = _data_uri(text.encode("utf-8"), "image/svg+xml")
            elif icon_path:
                blob = icon_path.read_bytes()
                if not blob.startswith(b"\x89PNG\r\n\x1a\n"):
                    problems.append(ThemeProblem(icon_path, "identity.favicon", "not a PNG file"))
                favicon, favicon_type = _data_uri(blob, "image/png"), "image/png"
        problems += _division_problems(theme_path, ident.division, ident.province)
        for index, code in enumerate(settings.features.languages):
            if code != SOURCE_LOCALE and not (LOCALES_DIR / code / "LC_MESSAGES").is_dir():
                shipped = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())
                problems.append(
                    ThemeProblem(
                        theme_path,
                        f"features.languages.{index}",
                        f"no translation catalogue for {code!r} under {LOCALES_DIR} "
                        f"(shipped: {', '.join(shipped)})",
                    )
                )

    if problems or settings is None:
        raise ThemeError(problems)
    elder_css = {
        name: css
        for name, css in elder.css.items()
        if elder.values.get(name) != standard.values.get(name) or css != standard.css.get(name)
    }
    return Theme(
        code=folder.name,
        folder=folder,
        settings=settings,
        tokens=standard.css,
        mark_svg=mark_svg,
        values=standard.values,
        elder_tokens=elder_css,
        elder_values=elder.values,
        favicon=favicon,
        favicon_type=favicon_type,
    )


def unknown_key_message(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """ "unknown key 'x'; did you mean 'y'?" for an extra key at ``loc`` of ``model``."""
    owner: type[BaseModel] | None = model
    for part in loc[:-1]:
        if owner is None or isinstance(part, int):
            continue
        info = owner.model_fields.get(str(part))
        annotation = getattr(info, "annotation", None)
        args = getattr(annotation, "__args__", ()) or (annotation,)
        owner = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    key = str(loc[-1])
    known = sorted(owner.model_fields) if owner is not None else []
    message = f"unknown key {key!r}"
    if key == "sources" and owner is ThemeFile:
        return (
            message + ": [sources] is gone; a province folder holds its catalogue in catalogue/ "
            "and its synonyms in synonyms.toml (docs/province-files.md)"
        )
    if close := difflib.get_close_matches(key, known, n=1, cutoff=0.6):
        return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; expected one of: {', '.join(known)}" if known else message


def _division_problems(theme_path: Path, prefix: str, name: str) -> list[ThemeProblem]:
    found = province_division(prefix)
    if found is None:
        return [
            ThemeProblem(
                theme_path,
                "identity.division",
                f"{prefix!r} is not a province of the GB/T 2260 table (e.g. 37 山东省, 51 四川省)",
            )
        ]
    if found.name != name:
        return [
            ThemeProblem(
                theme_path,
                "identity.province",
                f"{name!r} does not match division {prefix} ({found.name}); use {found.name!r} "
                "or the division of this province",
            )
        ]
    return []


def _data_uri(blob: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(blob).decode('ascii')}"
