"""Per-locale names of a province's own content, from ``<province>/translations.toml``.

Content (service and theme names, units, the tagline) is not code, so it is not in the Babel
catalogs; a province translates it in its folder, one table per locale. In the page it goes
through ``components.i18n.t_content``: the browser looks the Chinese text up in the same
per-locale catalog as the interface strings and falls back to the Chinese.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from babel.messages.pofile import read_po

from app.text import SHIPPED_LOCALES, SOURCE_LOCALE
from themes import Theme, ThemeError, ThemeProblem

FILE_NAME = "translations.toml"
# tables of translations.toml that hold catalogue content (app/catalogue/i18n.py)
CATALOGUE_TABLES = frozenset({"names", "summaries", "keywords"})


def content_texts(theme: Theme) -> set[str]:
    """Every Chinese text of the theme that a page shows and a province may translate."""
    s = theme.settings
    texts = {s.identity.tagline, s.contact.host_unit, s.contact.operator_unit}
    texts |= {x.name for x in s.home.services} | {x.name for x in s.home.life_events}
    return {text for text in texts if text}


def content_translations(theme: Theme) -> dict[str, dict[str, str]]:
    """``{locale: {chinese: text}}``; raises ThemeError naming the file, table and key."""
    path = theme.folder / FILE_NAME
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeError([ThemeProblem(path, "", f"unreadable: {exc}")]) from None
    known = content_texts(theme)
    problems: list[ThemeProblem] = []
    out: dict[str, dict[str, str]] = {}
    for locale, table in data.items():
        if locale not in SHIPPED_LOCALES or locale == SOURCE_LOCALE:
            others = ", ".join(x for x in SHIPPED_LOCALES if x != SOURCE_LOCALE)
            problems.append(ThemeProblem(path, locale, f"not a translated locale ({others})"))
            continue
        if not isinstance(table, dict):
            problems.append(ThemeProblem(path, locale, "must be a table of text = translation"))
            continue
        for key, value in table.items():
            if key in CATALOGUE_TABLES and isinstance(value, dict):
                continue  # catalogue content: app/catalogue/i18n.py reads and checks these
            if key not in known:
                problems.append(
                    ThemeProblem(path, f"{locale}.{key}", "theme.toml has no such text")
                )
            elif not isinstance(value, str) or not value.strip():
                problems.append(ThemeProblem(path, f"{locale}.{key}", "empty translation"))
            else:
                out.setdefault(locale, {})[key] = value.strip()
    if problems:
        raise ThemeError(problems)
    for locale, table in province_catalogues(theme.folder).items():
        for key, value in table.items():
            out.setdefault(locale, {}).setdefault(key, value)
    return out


def province_catalogues(folder: Path) -> dict[str, dict[str, str]]:
    """``{locale: {message: translation}}`` of a province folder's own gettext catalogues
    (``<folder>/locales/<locale>.po``): the texts of its forms that the framework's
    catalogues do not have. Empty and fuzzy entries are left out (``scripts/i18n.py check``
    reports them)."""
    out: dict[str, dict[str, str]] = {}
    for locale in SHIPPED_LOCALES:
        po = folder / "locales" / f"{locale}.po"
        if locale == SOURCE_LOCALE or not po.is_file():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        for message in catalog:
            if isinstance(message.id, str) and message.id and message.string and not message.fuzzy:
                out.setdefault(locale, {})[message.id] = str(message.string)
    return out
