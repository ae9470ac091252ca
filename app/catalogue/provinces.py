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
from dataclasses import dataclass
from pathlib import Path

from themes import THEMES_DIR, Theme, ThemeError, ThemeProblem, available_provinces, load_theme
from themes.loader import province_dir_from_env

CATALOGUE_DIR = "catalogue"
CATALOGUE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")


@dataclass(frozen=True, slots=True)
class Province:
    """A province: code (folder name), GB/T 2260 prefix, names, and where its folder is."""

    code: str
    prefix: str
    name: str
    short_name: str  # the one-character abbreviation, e.g. 鲁
    app_name: str
    folder: Path

    def catalogue_files(self) -> list[Path]:
        """The folder's catalogue files (``catalogue/*.json|jsonl|csv``), in name order."""
        return catalogue_files_in(self.folder)


def catalogue_files_in(folder: Path) -> list[Path]:
    where = folder / CATALOGUE_DIR
    if not where.is_dir():
        return []
    return sorted(
        p for p in where.iterdir() if p.is_file() and p.suffix.lower() in CATALOGUE_SUFFIXES
    )


def of_theme(theme: Theme) -> Province:
    ident = theme.settings.identity
    return Province(
        theme.code, ident.division, ident.province, ident.abbreviation, ident.app_name, theme.folder
    )


@functools.cache
def _theme_at(folder: Path) -> Theme:
    return load_theme(folder)


def configured_folders() -> list[Path]:
    """The folders this instance serves: the default province first, then ``YIWANG_HOSTS``'."""
    from app.settings import host_folders

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
