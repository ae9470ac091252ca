"""The province registry: every province this installation knows, built from the folders.

A province is a folder (``themes/<code>/`` built in, or anywhere through
``YIWANG_PROVINCE_DIR`` / ``YIWANG_HOSTS``); its code is the folder's name and its GB/T 2260
prefix, names and abbreviation come from ``theme.toml`` ``[identity]``. No Python lists
provinces: a folder written by a province works exactly like a built-in one.

``configured()`` is what this instance serves (the build's default province and those of
``YIWANG_HOSTS``); ``registry()`` adds the built-in folders, for the command-line tools.
"""

from __future__ import annotations

import functools
from pathlib import Path

from app.context import Province, catalogue_files_in, of_theme
from app.context import clear_caches as clear_context_caches
from app.settings import host_folders
from themes import THEMES_DIR, Theme, ThemeError, ThemeProblem, available_provinces, load_theme
from themes.loader import province_dir_from_env


@functools.cache
def _theme_at(folder: Path) -> Theme:
    return load_theme(folder)


def configured_folders() -> list[Path]:
    """The folders this instance serves: the default province first, then ``YIWANG_HOSTS``'."""
    folders = [province_dir_from_env()]
    folders += [f for f in host_folders().values() if f not in folders]
    return folders


@functools.cache
def configured() -> dict[str, Province]:
    """The provinces this instance serves, by code (the default first)."""
    return _build(configured_folders())


@functools.cache
def registry() -> dict[str, Province]:
    """Every province known here: those configured, then the built-in folders."""
    folders = configured_folders()
    folders += [THEMES_DIR / c for c in available_provinces() if THEMES_DIR / c not in folders]
    return _build(folders)


def _build(folders: list[Path]) -> dict[str, Province]:
    out: dict[str, Province] = {}
    problems: list[ThemeProblem] = []
    for folder in folders:
        try:
            found = of_theme(_theme_at(folder.resolve()))
        except ThemeError as exc:
            problems += exc.problems
            continue
        if found.code in out:
            continue  # a configured folder shadows the built-in one of the same name
        twin = next((p for p in out.values() if p.prefix == found.prefix), None)
        if twin is not None:
            problems.append(
                ThemeProblem(
                    folder / "theme.toml",
                    "identity.division",
                    f"division {found.prefix} is already the division of {twin.code} ({twin.folder})",
                )
            )
            continue
        out[found.code] = found
    if problems:
        raise ThemeError(problems)
    return out


def province(code: str) -> Province:
    """The province with this code; ``KeyError`` names the known codes."""
    known = registry()
    try:
        return known[code]
    except KeyError:
        names = ", ".join(sorted(known))
        raise KeyError(
            f"unknown province {code!r}; known: {names} (a folder elsewhere: YIWANG_PROVINCE_DIR)"
        ) from None


def province_of_area(area_code: str) -> str | None:
    """The code of the known province whose division prefix the area code has, or ``None``."""
    for p in registry().values():
        if area_code.startswith(p.prefix):
            return p.code
    return None


def clear_caches() -> None:
    """Forget the registry (tests that change the environment)."""
    for cached in (configured, registry, _theme_at):
        cached.cache_clear()
    clear_context_caches()


__all__ = [
    "Province",
    "catalogue_files_in",
    "clear_caches",
    "configured",
    "configured_folders",
    "of_theme",
    "province",
    "province_of_area",
    "registry",
]
