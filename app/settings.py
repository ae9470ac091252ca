"""Build-time settings of this instance: the active province theme(s), loaded once.

One build serves one province by default (``YIWANG_PROVINCE`` / ``YIWANG_PROVINCE_DIR``).
With ``YIWANG_HOSTS="sd.localhost=shandong,sc.localhost=sichuan"`` one build serves several:
every listed province is built in, and the host name picks one before first paint (see
``app/pages/province.py``); unknown hosts get the default province.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from app.content_i18n import content_translations
from app.text import activate, register_content
from components.icon_names import ICON_NAMES
from themes import THEMES_DIR, Theme, ThemeError, ThemeProblem, load_theme


def library_problems(theme: Theme) -> list[ThemeProblem]:
    """What the theme asks of the component library that the library does not have."""
    path = theme.folder / "theme.toml"
    home = theme.settings.home
    entries = [("services", i, s.icon) for i, s in enumerate(home.services)]
    entries += [("life_events", i, e.icon) for i, e in enumerate(home.life_events)]
    return [
        ThemeProblem(
            path,
            f"home.{section}.{index}.icon",
            f"unknown icon {name!r}; known: {', '.join(sorted(ICON_NAMES))}",
        )
        for section, index, name in entries
        if name not in ICON_NAMES
    ]


@functools.cache
def active_theme() -> Theme:
    """The province chosen by the environment, validated (reading it changes nothing: the
    languages are made active by :func:`activate_languages`)."""
    theme = load_theme()
    if problems := library_problems(theme):
        raise ThemeError(problems)
    return theme


_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_hosts(spec: str) -> dict[str, Path]:
    """``"sd.localhost=shandong, zj.example.cn=/srv/provinces/zhejiang"`` -> {host: folder}.

    A province is a code (a folder under themes/) or a path to a folder anywhere (absolute, or
    starting with ``./`` or ``~``). Raises :class:`ThemeError` naming ``YIWANG_HOSTS`` and
    every bad entry.
    """
    where = THEMES_DIR / "YIWANG_HOSTS"
    hosts: dict[str, Path] = {}
    problems: list[ThemeProblem] = []

    def bad(message: str) -> None:
        problems.append(ThemeProblem(where, "YIWANG_HOSTS", message))

    for entry in (e.strip() for e in spec.split(",")):
        if not entry:
            continue
        host, sep, value = (part.strip() for part in entry.partition("="))
        host = host.lower()
        is_path = value.startswith(("/", "./", "~"))
        folder = Path(value).expanduser().resolve() if is_path else THEMES_DIR / value
        if not sep or not _HOST.match(host) or not (is_path or _CODE.match(value)):
            bad(f"{entry!r} is not host=province, e.g. sd.localhost=shandong")
        elif not (folder / "theme.toml").is_file():
            bad(f"{entry!r}: no theme.toml in {folder}")
        elif not _CODE.match(folder.name):
            bad(f"{entry!r}: the folder name {folder.name!r} must be a code like zhejiang")
        elif host in hosts and hosts[host] != folder:
            bad(f"host {host!r} listed twice")
        elif any(f.name == folder.name and f != folder for f in hosts.values()):
            bad(f"{entry!r}: another folder is also named {folder.name!r}")
        else:
            hosts[host] = folder
    if problems:
        raise ThemeError(problems)
    return hosts


@functools.cache
def host_folders() -> dict[str, Path]:
    """The host -> province folder map of this build (empty: one province)."""
    return parse_hosts(os.environ.get("YIWANG_HOSTS", ""))


def host_provinces() -> dict[str, str]:
    """The host -> province code map of this build (empty: one province)."""
    return {host: folder.name for host, folder in host_folders().items()}


@functools.cache
def hosted_themes() -> tuple[Theme, ...]:
    """Every province this build serves: the default first, then those of ``YIWANG_HOSTS``."""
    default = active_theme()
    themes = [default]
    problems: list[ThemeProblem] = []
    for folder in dict.fromkeys(host_folders().values()):
        if folder.name == default.code:
            continue
        try:
            theme = load_theme(folder)
        except ThemeError as exc:
            problems += exc.problems
            continue
        problems += library_problems(theme)
        if theme.default_language != default.default_language:
            problems.append(
                ThemeProblem(
                    theme.folder / "theme.toml",
                    "features.default_language",
                    f"one build serves one default language; {default.code} has "
                    f"{default.default_language!r}",
                )
            )
        themes.append(theme)
    if problems:
        raise ThemeError(problems)
    return tuple(themes)


def activate_languages() -> Theme:
    """Make the default province's language the build's (what pages prerender in) and every
    hosted province's own content, translated in its folder, known to server text, the
    page's ``t_content`` and the browser's catalogs. Called once where the app is built
    (``app.app``) and by tests that need it; returns the default province."""
    themes = hosted_themes()
    activate(themes[0].default_language)
    merged: dict[str, dict[str, str]] = {}
    for theme in themes:
        for locale, table in content_translations(theme).items():
            merged.setdefault(locale, {}).update(table)
    register_content(merged)
    return themes[0]


def theme_for_host(host: str) -> Theme:
    """The province a request's ``Host`` header asks for (port ignored); default otherwise."""
    name = host.split(":", 1)[0].strip().lower()
    code = host_provinces().get(name)
    by_code = {theme.code: theme for theme in hosted_themes()}
    return by_code.get(code or "", active_theme())
