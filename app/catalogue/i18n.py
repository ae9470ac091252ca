"""Catalogue content in every shipped locale: item names, material and step names, a one-line
summary and search keywords, keyed by the Chinese text.

The built-in items come from the same service templates in every province
(``app/catalogue/build/services.py``), so one base table shipped with the framework
(``app/catalogue/translations.toml``) translates them for any province; a province folder
overrides or adds entries in its own ``translations.toml``, in the same tables::

    [en.names]        "居民身份证换领" = "Resident ID card renewal"   # items, materials, steps
    [en.summaries]    "居民身份证换领" = "Replace an expiring ..."     # by item name
    [en.keywords]     "居民身份证换领" = ["renew ID card", ...]        # by item name, for search
    [zh_Hans.summaries]  the source-language summary

A text with no translation in a locale falls back to the Chinese, which the page marks with
``lang="zh-Hans"`` (``components.i18n.server_lang``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from app.catalogue.readers import Record, read_records
from app.domain.service_item import ServiceItem
from app.text import SHIPPED_LOCALES, SOURCE_LOCALE, is_local, localized, pick
from themes import ThemeProblem

BASE = Path(__file__).resolve().parent / "translations.toml"
FILE_NAME = "translations.toml"  # in a province folder (shared with app/content_i18n.py)
TABLES = ("names", "summaries", "keywords")
TRANSLATED = tuple(x for x in SHIPPED_LOCALES if x != SOURCE_LOCALE)


@dataclass
class CatalogueContent:
    """``names[locale][chinese]``, ``summaries[locale][item name]`` (zh_Hans included),
    ``keywords[locale][item name]``."""

    names: dict[str, dict[str, str]] = field(default_factory=dict)
    summaries: dict[str, dict[str, str]] = field(default_factory=dict)
    keywords: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def merge(self, other: CatalogueContent) -> None:
        for locale, names in other.names.items():
            self.names.setdefault(locale, {}).update(names)
        for locale, summaries in other.summaries.items():
            self.summaries.setdefault(locale, {}).update(summaries)
        for locale, keywords in other.keywords.items():
            self.keywords.setdefault(locale, {}).update(keywords)

    def name(self, text: str, locale: str) -> str | None:
        if locale == SOURCE_LOCALE:
            return text
        return self.names.get(locale, {}).get(text)


def read_content(path: Path) -> tuple[CatalogueContent, list[ThemeProblem]]:
    """The catalogue tables of one translations file, and its problems (file, field, reason)."""
    content, problems = CatalogueContent(), []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return content, [ThemeProblem(path, "", f"unreadable: {exc}")]
    for locale, tables in data.items():
        if not isinstance(tables, dict):
            continue
        for table in TABLES:
            entries = tables.get(table)
            if entries is None:
                continue
            where = f"{locale}.{table}"
            if locale not in SHIPPED_LOCALES or (locale == SOURCE_LOCALE and table != "summaries"):
                problems.append(ThemeProblem(path, where, "not a translated locale or table"))
                continue
            if not isinstance(entries, dict):
                problems.append(ThemeProblem(path, where, "must be a table keyed by Chinese text"))
                continue
            for key, value in entries.items():
                if table == "keywords":
                    ok = isinstance(value, list) and all(
                        isinstance(v, str) and v.strip() for v in value
                    )
                    if not ok:
                        problems.append(
                            ThemeProblem(path, f"{where}.{key}", "must be a list of phrases")
                        )
                        continue
                    content.keywords.setdefault(locale, {})[key] = tuple(v.strip() for v in value)
                elif not isinstance(value, str) or not value.strip():
                    problems.append(ThemeProblem(path, f"{where}.{key}", "empty translation"))
                else:
                    getattr(content, table).setdefault(locale, {})[key] = value.strip()
    return content, problems


@cache
def base_content() -> CatalogueContent:
    content, problems = read_content(BASE)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    return content


@cache
def content_for(folder: Path | None) -> CatalogueContent:
    """The base table with a province folder's own entries over it."""
    merged = CatalogueContent()
    merged.merge(base_content())
    if folder is not None and (folder / FILE_NAME).is_file():
        own, _ = read_content(folder / FILE_NAME)  # problems are the theme check's to report
        merged.merge(own)
    return merged


def content_problems(folder: Path) -> list[ThemeProblem]:
    """Problems of a province folder's catalogue translations (for ``python -m themes check``)."""
    path = folder / FILE_NAME
    return read_content(path)[1] if path.is_file() else []


def content_text(text: str, content: CatalogueContent) -> str:
    """A catalogue text as a local text: its translation per locale, or the Chinese. A text
    that already is a local text is read as its Chinese (never wrapped twice)."""
    if not text:
        return text
    if is_local(text):
        text = pick(text, SOURCE_LOCALE)
    return localized(lambda loc: content.name(text, loc))


def summary_text(item_name: str, content: CatalogueContent) -> str:
    """The one-line summary of an item in every locale ("" when it has none in Chinese)."""
    if item_name not in content.summaries.get(SOURCE_LOCALE, {}):
        return ""
    return localized(lambda loc: content.summaries.get(loc, {}).get(item_name))


def item_texts(item: ServiceItem) -> list[tuple[str, str]]:
    """(field, Chinese text) of what must be translated in one item."""
    texts = [("name", item.name)]
    texts += [("material", m.name) for m in item.materials]
    texts += [("step", s.name) for s in item.steps]
    # shown by the derived form: one question per condition, the notes in the upload hints
    texts += [("condition", m.condition) for m in item.materials if m.condition]
    texts += [("notes", m.notes) for m in item.materials if m.notes]
    return texts


def translation_gaps(
    items: Iterable[ServiceItem], folder: Path | None = None
) -> dict[str, dict[str, int]]:
    """Missing translations per locale and field (name, material, step, condition, notes,
    summary), each
    distinct Chinese text counted once: what the theme check reports as warnings.

    ``{"en": {"name": 0, "material": 2, ...}, "ug": {...}, "zh_Hant": {...}}``
    """
    content = content_for(folder)
    seen: set[tuple[str, str]] = set()
    for item in items:
        seen.update(item_texts(item))
        seen.add(("summary", item.name))
    gaps: dict[str, dict[str, int]] = {}
    for locale in TRANSLATED:
        counts: dict[str, int] = dict.fromkeys(
            ("name", "material", "step", "condition", "notes", "summary"), 0
        )
        for kind, text in seen:
            table = content.summaries if kind == "summary" else content.names
            if text not in table.get(locale, {}):
                counts[kind] += 1
        gaps[locale] = counts
    return gaps


def gap_warnings(items: Iterable[ServiceItem], folder: Path) -> list[ThemeProblem]:
    """``translation_gaps`` as one warning per locale with counts (none when complete)."""
    warnings = []
    for locale, counts in translation_gaps(items, folder).items():
        if total := sum(counts.values()):
            detail = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
            warnings.append(
                ThemeProblem(
                    folder / FILE_NAME,
                    locale,
                    f"{total} catalogue text(s) without a translation ({detail}); "
                    "they are shown in Chinese",
                )
            )
    return warnings


def foreign_phrases(content: CatalogueContent) -> dict[str, list[str]]:
    """Item name -> its names and keywords in the other locales (for the search index)."""
    out: dict[str, list[str]] = {}
    items = {name for table in content.keywords.values() for name in table}
    items |= {name for table in content.summaries.values() for name in table}
    for name in items:
        phrases: list[str] = []
        for locale in TRANSLATED:
            if (text := content.names.get(locale, {}).get(name)) is not None:
                phrases.append(text)
            phrases += content.keywords.get(locale, {}).get(name, ())
        out[name] = phrases
    return out


def folder_warnings(folder: Path) -> list[ThemeProblem]:
    """For ``python -m themes check``: the translation gaps of the items in the folder's
    ``catalogue/*.json|*.jsonl|*.csv`` (as warnings with counts per locale), after the
    problems of its ``translations.toml``. Records that do not read as items are the
    catalogue check's to report and are skipped here."""
    items: list[ServiceItem] = []
    for path in sorted((folder / "catalogue").glob("*")):
        if path.suffix not in {".json", ".jsonl", ".csv"}:
            continue
        for record in read_records(path):
            if isinstance(record, Record):
                try:
                    items.append(ServiceItem.model_validate(record.data))
                except ValidationError:
                    continue
    return content_problems(folder) + (gap_warnings(items, folder) if items else [])
