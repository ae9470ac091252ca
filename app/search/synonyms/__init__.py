"""Colloquial synonyms: a shipped base list plus the province folder's ``synonyms.toml``.

A file is TOML with one table ``[synonyms]`` of ``"phrase" = ["official term", ...]``.
``load_synonyms(path)`` reads one file and raises ``SynonymError`` naming the file, the
phrase and what is wrong; ``synonyms_for(province)`` merges base and province (the province
wins on a shared phrase).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from app.search.foreign import ForeignLexicon, lexicon_at, province_folder
from app.search.text import compact, initials, pinyin

HERE = Path(__file__).resolve().parent
BASE = HERE / "base.toml"


class SynonymError(ValueError):
    """A synonyms file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per file (synonyms_at)
class Synonyms:
    """Phrase → official terms, with the pinyin and initials of each phrase for typed Latin."""

    terms: dict[str, tuple[str, ...]]
    by_pinyin: dict[str, list[str]]
    by_initials: dict[str, list[str]]
    #: English and Uyghur names and keywords of the province's items (app/search/foreign.py)
    foreign: ForeignLexicon = field(default_factory=ForeignLexicon)

    def expand(self, text: str) -> list[tuple[str, str]]:
        """(phrase, term) pairs for every phrase found in a compact query, longest first."""
        found = [p for p in self.terms if p in text]
        # a phrase inside a longer found phrase adds nothing the longer one does not mean
        found.sort(key=len, reverse=True)
        kept: list[str] = []
        for phrase in found:
            if not any(phrase in longer and phrase != longer for longer in kept):
                kept.append(phrase)
        return [(p, t) for p in kept for t in self.terms[p]]


def load_synonyms(path: Path) -> dict[str, tuple[str, ...]]:
    """Read one synonyms file; every problem names the file and the phrase."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SynonymError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SynonymError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"synonyms"})
    if unknown:
        raise SynonymError(f"{path}: unknown table(s) {', '.join(unknown)}; only [synonyms]")
    table = data.get("synonyms")
    if not isinstance(table, dict):
        raise SynonymError(f"{path}: missing table [synonyms]")
    out: dict[str, tuple[str, ...]] = {}
    for phrase, terms in table.items():
        key = compact(phrase)
        if not key:
            raise SynonymError(f"{path}: synonyms.{phrase!r}: phrase is empty after normalising")
        if (
            not isinstance(terms, list)
            or not terms
            or not all(isinstance(t, str) and compact(t) for t in terms)
        ):
            raise SynonymError(
                f"{path}: synonyms.{phrase!r}: must be a non-empty list of terms, got {terms!r}"
            )
        out[key] = tuple(compact(t) for t in terms)
    return out


def build(*tables: dict[str, tuple[str, ...]]) -> Synonyms:
    terms: dict[str, tuple[str, ...]] = {}
    for table in tables:
        terms.update(table)
    by_pinyin: dict[str, list[str]] = {}
    by_initials: dict[str, list[str]] = {}
    for phrase in terms:
        by_pinyin.setdefault(pinyin(phrase), []).append(phrase)
        if len(phrase) >= 2:
            by_initials.setdefault(initials(phrase), []).append(phrase)
    return Synonyms(terms, by_pinyin, by_initials)


SYNONYMS_FILE = "synonyms.toml"


def province_file(province: str) -> Path | None:
    """The province folder's synonyms file (``None`` for a province not in the registry)."""
    from app.catalogue.provinces import registry

    found = registry().get(province)
    return found.folder / SYNONYMS_FILE if found else None


def synonyms_for(province: str | None, path: Path | None = None) -> Synonyms:
    """Base synonyms merged with a province's file (``path``, else its folder's, if any)."""
    extra = path or (province_file(province) if province else None)
    if extra is not None and path is None and not extra.is_file():
        extra = None
    return _with_foreign(synonyms_at(extra), province_folder(province))


@lru_cache(maxsize=16)
def _with_foreign(synonyms: Synonyms, folder: Path | None) -> Synonyms:
    """``synonyms`` with the English and Uyghur lexicon of a province folder (one object per
    pair, so the query cache keyed by it keeps working)."""
    return replace(synonyms, foreign=lexicon_at(folder))


@lru_cache(maxsize=16)
def synonyms_at(extra: Path | None) -> Synonyms:
    """Base synonyms merged with the file ``extra`` (cached by the file, not the province:
    two folders may carry the same code, in tests or one after the other)."""
    tables = [load_synonyms(BASE)]
    if extra is not None:
        tables.append(load_synonyms(extra))
    return build(*tables)
