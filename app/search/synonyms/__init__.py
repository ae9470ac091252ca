"""Colloquial synonyms and intents: a shipped base list plus the province folder's ``synonyms.toml``.

A file is TOML with a table ``[synonyms]`` of ``"phrase" = ["official term", ...]`` (a phrase
found anywhere in a query adds its terms) and an optional array ``[[intents]]`` of
``{means = ["official term", ...], all = [["word", ...], ...]}``: the terms a question means
when, for every inner list, one of its words is in the query (``公司`` + ``搬家`` →
``企业变更登记``), however the rest of the sentence is worded.

``load_synonyms(path)`` / ``load_table(path)`` read one file and raise ``SynonymError`` naming
the file, the entry and what is wrong; ``synonyms_from(paths)`` merges a list of files in order
(base first, then a province's extension, which wins on a shared phrase);
``synonyms_for(province)`` is that for the shipped base and a province's file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from app.catalogue.provinces import registry
from app.search.foreign import ForeignLexicon, lexicon_at, province_folder
from app.search.text import compact, initials, pinyin

HERE = Path(__file__).resolve().parent
BASE = HERE / "base.toml"


class SynonymError(ValueError):
    """A synonyms file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Intent:
    """Terms meant when one word of every group is in the query."""

    means: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]

    def match(self, text: str) -> list[str] | None:
        """The words of ``text`` (compact) that trigger the intent, one per group, or
        ``None``."""
        found = []
        for group in self.groups:
            word = next((w for w in group if w in text), None)
            if word is None:
                return None
            found.append(word)
        return found


@dataclass(frozen=True)
class Table:
    """One synonyms file as read."""

    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    intents: tuple[Intent, ...] = ()


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per set of files (synonyms_from)
class Synonyms:
    """Phrase → official terms, with the pinyin and initials of each phrase for typed Latin,
    and the intents of all files."""

    terms: dict[str, tuple[str, ...]]
    by_pinyin: dict[str, list[str]]
    by_initials: dict[str, list[str]]
    intents: tuple[Intent, ...] = ()
    #: English and Uyghur names and keywords of the province's items (app/search/foreign.py)
    foreign: ForeignLexicon = field(default_factory=ForeignLexicon)

    def meant(self, text: str) -> list[tuple[int, str]]:
        """(letters of the query the intent's words cover, term) for every intent of a
        compact query."""
        out = []
        for intent in self.intents:
            words = intent.match(text)
            if words is not None:
                covered = len(set("".join(words)))
                out += [(covered, term) for term in intent.means]
        return out

    def vocabulary(self) -> list[str]:
        """Every phrase, term and intent word (for the lexicon)."""
        words = list(self.terms) + [t for ts in self.terms.values() for t in ts]
        for intent in self.intents:
            words += list(intent.means) + [w for g in intent.groups for w in g]
        return words

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
    """The ``[synonyms]`` of one file; every problem names the file and the phrase."""
    return load_table(path).terms


def _strings(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(t, str) and compact(t) for t in value)
    )


def _intents(path: Path, value: object) -> tuple[Intent, ...]:
    if not isinstance(value, list):
        raise SynonymError(f"{path}: intents: must be an array of tables [[intents]]")
    out = []
    for i, entry in enumerate(value, 1):
        where = f"{path}: intents[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"means", "all"}:
            raise SynonymError(f"{where}: needs exactly means = [...] and all = [[...], ...]")
        if not _strings(entry["means"]):
            raise SynonymError(f"{where}.means: must be a non-empty list of terms")
        groups = entry["all"]
        if not isinstance(groups, list) or not groups or not all(_strings(g) for g in groups):
            raise SynonymError(
                f"{where}.all: must be a non-empty list of non-empty lists of words, got {groups!r}"
            )
        out.append(
            Intent(
                tuple(compact(t) for t in entry["means"]),
                tuple(tuple(compact(w) for w in g) for g in groups),
            )
        )
    return tuple(out)


def load_table(path: Path) -> Table:
    """Read one synonyms file; every problem names the file and the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SynonymError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SynonymError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"synonyms", "intents"})
    if unknown:
        raise SynonymError(
            f"{path}: unknown table(s) {', '.join(unknown)}; only [synonyms] and [[intents]]"
        )
    table = data.get("synonyms", {} if "intents" in data else None)
    if not isinstance(table, dict):
        raise SynonymError(f"{path}: missing table [synonyms] (or [[intents]])")
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
    return Table(out, _intents(path, data.get("intents", [])))


def build(*tables: dict[str, tuple[str, ...]] | Table) -> Synonyms:
    """Merge tables in order: a later table's phrase replaces an earlier one's; intents add."""
    terms: dict[str, tuple[str, ...]] = {}
    intents: list[Intent] = []
    for table in tables:
        if isinstance(table, Table):
            terms.update(table.terms)
            intents += table.intents
        else:
            terms.update(table)
    by_pinyin: dict[str, list[str]] = {}
    by_initials: dict[str, list[str]] = {}
    for phrase in terms:
        by_pinyin.setdefault(pinyin(phrase), []).append(phrase)
        if len(phrase) >= 2:
            by_initials.setdefault(initials(phrase), []).append(phrase)
    return Synonyms(terms, by_pinyin, by_initials, tuple(intents))


@lru_cache(maxsize=32)
def synonyms_from(paths: tuple[Path, ...]) -> Synonyms:
    """The synonyms of a list of files merged in order (base first, then extensions)."""
    return build(*(load_table(p) for p in paths))


def files_for(province: str | None, path: Path | None = None) -> tuple[Path, ...]:
    """The files ``synonyms_for`` merges: the base, then ``path`` or the province folder's
    ``synonyms.toml`` (when it has one)."""
    extra = path or (province_file(province) if province else None)
    if extra is not None and (path is not None or extra.is_file()):
        return (BASE, extra)
    return (BASE,)


SYNONYMS_FILE = "synonyms.toml"


def province_file(province: str) -> Path | None:
    """The province folder's synonyms file (``None`` for a province not in the registry)."""
    found = registry().get(province)
    return found.folder / SYNONYMS_FILE if found else None


def synonyms_for(
    province: str | None, path: Path | None = None, folder: Path | None = None
) -> Synonyms:
    """Base synonyms merged with a province's file (``path``, else its folder's, if any),
    with the English and Uyghur lexicon of the province folder. Cached by the files and the
    folder, not the province code: two folders may carry the same code. ``folder``: the
    province's folder as the request resolved it (no registry look-up by code)."""
    if folder is not None:
        return _with_foreign(synonyms_from(files_in(folder, path)), folder)
    return _with_foreign(synonyms_from(files_for(province, path)), province_folder(province))


def files_in(folder: Path, path: Path | None = None) -> tuple[Path, ...]:
    """``files_for`` of a province folder: the base, then ``path`` or its ``synonyms.toml``."""
    extra = path or folder / SYNONYMS_FILE
    return (BASE, extra) if path is not None or extra.is_file() else (BASE,)


@lru_cache(maxsize=32)
def _with_foreign(synonyms: Synonyms, folder: Path | None) -> Synonyms:
    """``synonyms`` with the English and Uyghur lexicon of a province folder (one object per
    pair, so the caches keyed by it keep working)."""
    return replace(synonyms, foreign=lexicon_at(folder))
