"""Search across languages: English and Uyghur queries find items by their per-locale names
and keywords (``app/catalogue/i18n.py``: the framework's base table, a province folder's own).

Two parts:
- ``index_terms`` gives the foreign words of an item for its indexed document (``keywords``
  field), so the index holds every locale's names and keywords;
- ``ForeignLexicon.match`` turns a non-Chinese query into the Chinese names of the items whose
  foreign names or keywords it matches (word overlap, with word-prefix matching for English
  inflections and Uyghur suffixes), which the query analysis adds as weighted phrases: the
  rest of the pipeline (index look-up, ranking) then works as for a Chinese query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.catalogue.i18n import CatalogueContent, content_for, foreign_phrases
from app.catalogue.provinces import registry

# Latin words and digits; Arabic-script words (Uyghur), joiners kept inside a word
_WORD = re.compile(r"[a-z0-9]+|[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
# words that say nothing about which service is meant
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "and",
        "or",
        "my",
        "our",
        "your",
        "i",
        "we",
        "me",
        "how",
        "do",
        "does",
        "can",
        "get",
        "want",
        "need",
        "apply",
        "application",
        "online",
        "please",
        "with",
        "from",
        "new",
    ]
)
#: the least share of a query's words an entry must explain to be offered
MIN_SCORE = 0.5


def words(text: str) -> tuple[str, ...]:
    """The meaningful words of a text: lower case, NFKC, stop words left out (but a query of
    stop words only keeps them, e.g. ``apply``)."""
    found = _WORD.findall(unicodedata.normalize("NFKC", text or "").lower())
    kept = tuple(w for w in found if w not in STOP)
    return kept or tuple(found)


def same_word(a: str, b: str) -> bool:
    """Equal, or one inflection of the other: a long enough common prefix (renew / renewal,
    register / registration, پاسپورت / پاسپورتنى)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 4:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and common >= 0.7 * shorter


@dataclass(frozen=True)
class ForeignLexicon:
    """(words of a foreign name or keyword, Chinese item name) pairs."""

    entries: tuple[tuple[tuple[str, ...], str], ...] = ()

    def match(self, text: str, limit: int = 6) -> list[tuple[str, float]]:
        """Chinese item names the query's words point to, with a score in (0, 1], best first."""
        query = words(text)
        if not query or not self.entries:
            return []
        best: dict[str, float] = {}
        for phrase, target in self.entries:
            hit_q = sum(any(same_word(q, p) for p in phrase) for q in query)
            if not hit_q:
                continue
            hit_p = sum(any(same_word(p, q) for q in query) for p in phrase)
            score = (hit_q / len(query)) * (0.7 + 0.3 * hit_p / len(phrase))
            if score > best.get(target, 0.0):
                best[target] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(name, round(s, 4)) for name, s in ranked[:limit] if s >= MIN_SCORE]


def lexicon(content: CatalogueContent) -> ForeignLexicon:
    entries = []
    for name, phrases in sorted(foreign_phrases(content).items()):
        for phrase in phrases:
            if found := words(phrase):
                entries.append((found, name))
    return ForeignLexicon(tuple(entries))


def province_folder(province: str | None) -> Path | None:
    """The folder of a province by its code (the province registry), or None."""
    if not province:
        return None
    found = registry().get(province)
    return found.folder if found else None


def lexicon_for(province: str | None) -> ForeignLexicon:
    return lexicon_at(province_folder(province))


@cache
def lexicon_at(folder: Path | None) -> ForeignLexicon:
    """The lexicon of the base table and a province folder's own translations (by folder:
    two folders may carry the same code)."""
    return lexicon(content_for(folder))


@cache
def _terms_for(province: str | None) -> dict[str, tuple[str, ...]]:
    content = content_for(province_folder(province))
    return {
        name: tuple(dict.fromkeys(w for p in phrases for w in words(p)))
        for name, phrases in foreign_phrases(content).items()
    }


def index_terms(province: str | None, name: str) -> tuple[str, ...]:
    """The foreign words of an item (names and keywords in every locale), for its document."""
    return _terms_for(province).get(name, ())
