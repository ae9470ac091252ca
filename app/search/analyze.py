"""Turning items into index terms and queries into what to look for.

A document has five indexed fields of space-separated terms (the same on SQLite FTS5 and on
PostgreSQL): ``name``, ``keywords`` (the item's colloquial keywords), ``body`` (guide text:
themes, department, conditions, materials, steps), ``pinyin`` and ``initials`` (of the name
and keywords), and ``scope`` (province and filter tokens, so filters are part of the match).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from app.search.foreign import index_terms
from app.search.foreign import words as foreign_words
from app.search.synonyms import Synonyms
from app.search.text import (
    compact,
    fuzzy_typed_pinyin,
    has_cjk,
    initials,
    ngrams,
    normalize,
    pinyin,
    pinyin_coverage,
    segment,
)

AUDIENCES = {"个人": "person", "法人": "business"}
LEVELS = {"国家级": "national", "省级": "province", "市级": "city", "县级": "county", "乡级": "town", "村级": "village"}  # fmt: skip


def dept_token(department: str) -> str:
    """The filter token of a department (by name: names are what users pick)."""
    return "dept" + hashlib.sha1(department.encode(), usedforsecurity=False).hexdigest()[:12]


def scope_tokens(
    province: str, audience: str, level: str, online: bool, department: str
) -> list[str]:
    """Filter tokens: every filter is a term that must be present."""
    return [
        f"prov{province}",
        f"aud{AUDIENCES.get(audience, 'other')}",
        f"lvl{LEVELS.get(level, 'other')}",
        f"online{int(bool(online))}",
        dept_token(department),
    ]


def _terms(text: str, grams: bool) -> list[str]:
    words = list(segment(text))
    if grams:
        words += ngrams(text, 2) + ngrams(text, 1)
    return words


def _unique(words: list[str]) -> str:
    return " ".join(dict.fromkeys(w for w in words if w))


def body_text(data: dict[str, Any]) -> str:
    """The guide text searched with the lowest weight."""
    parts: list[str] = [*data.get("themes", []), data.get("department", "")]
    parts.append(data.get("acceptance_conditions", ""))
    parts += [m.get("name", "") for m in data.get("materials", [])]
    parts += [s.get("name", "") for s in data.get("steps", [])]
    parts.append(data.get("item_type", ""))
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Document:
    name: str
    keywords: str
    body: str
    pinyin: str
    initials: str
    scope: str


def analyze_item(row: dict[str, Any]) -> Document:
    """Index fields of one catalogue row (``row['data']`` is the full item)."""
    data = row["data"]
    name = _phrase(compact(row["name"]))
    keywords = [_phrase(compact(k)) for k in data.get("keywords", [])]
    # the item's names and keywords in the other locales (app/search/foreign.py)
    foreign = index_terms(row["province"], row["name"])
    return Document(
        name=_unique(list(name[0])),
        keywords=_unique([t for k in keywords for t in k[0]] + list(foreign)),
        body=_body(body_text(data)),
        pinyin=_unique([t for p in (name, *keywords) for t in p[1]]),
        initials=_unique([t for p in (name, *keywords) for t in p[2]]),
        scope=" ".join(
            scope_tokens(
                row["province"], row["audience"], row["level"], row["online"], row["department"]
            )
        ),
    )


def _phrase(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(terms, pinyin, initials) of a compact name or keyword. Everything but the Latin and
    digit runs depends on the CJK runs only, which items share even when a number makes
    their names unique: that part is cached."""
    cjk = tuple(r for r in _RUNS.findall(phrase) if has_cjk(r))
    latin = tuple(r for r in _RUNS.findall(phrase) if not has_cjk(r))
    terms, py, ini = _cjk_phrase(cjk)
    return terms + latin if latin else terms, py, ini


@lru_cache(maxsize=65536)
def _cjk_phrase(runs: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    text = " ".join(runs)
    py: list[str] = [pinyin(text)]
    ini: list[str] = [initials(text)]
    words = [w for run in runs for w in segment(run)]
    for word in words:
        py.append(pinyin(word))
        ini.append(initials(word))
    grams = [g for run in runs for n in (2, 1) for g in ngrams(run, n)]
    return tuple(dict.fromkeys(words + grams)), tuple(py), tuple(ini)


_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")


@lru_cache(maxsize=16384)
def _body(text: str) -> str:
    return _unique(list(segment(normalize(text, limit=20_000))))


@dataclass
class Query:
    """What one query asks for."""

    raw: str
    text: str  # normalised, spaces kept
    compact: str  # normalised, no spaces
    kind: str  # empty | chinese | pinyin | initials | mixed | foreign
    phrases: list[tuple[str, float]] = field(default_factory=list)  # CJK phrases with weights
    words: list[str] = field(default_factory=list)  # segmented words of all phrases
    latin: str = ""  # fuzzy pinyin (kind pinyin) or letters (kind initials)

    @property
    def empty(self) -> bool:
        return self.kind == "empty"


def analyze_query(raw: str, synonyms: Synonyms) -> Query:
    """Normalise, classify, expand with synonyms and segment a query."""
    text = normalize(raw)
    flat = text.replace(" ", "")
    foreign = [] if has_cjk(flat) else synonyms.foreign.match(raw)
    if foreign and (not flat or foreign[0][1] >= 0.9 or pinyin_coverage(flat) < 0.99):
        return _foreign_query(raw, text, flat, foreign)
    if not flat:
        return Query(raw, text, flat, "empty")
    if has_cjk(flat):
        kind = "chinese" if flat == "".join(ch for ch in flat if has_cjk(ch)) else "mixed"
        q = Query(raw, text, flat, kind)
        core = strip_filler(flat)
        q.phrases.append((core or flat, 1.0))
        for part in text.split():  # each typed chunk also counts on its own
            part = strip_filler(part)
            if part and part != core and has_cjk(part):
                q.phrases.append((part, 0.9))
        _add_expansions(q, synonyms.expand(flat), len(flat), 0.6)
    else:
        latin = flat
        py = fuzzy_typed_pinyin(latin) if pinyin_coverage(latin) >= 0.99 else ""
        kind = "pinyin" if py and (len(latin) > 3 or py in synonyms.by_pinyin) else "initials"
        q = Query(raw, text, flat, kind, latin=py)
        phrases = list(synonyms.by_pinyin.get(py, [])) if py else []
        if len(latin) >= 2:
            phrases += synonyms.by_initials.get(latin, [])
        for phrase in dict.fromkeys(phrases):
            q.phrases.append((phrase, 0.8))
            _add_expansions(q, synonyms.expand(phrase), len(phrase), 0.55)
    seen: dict[str, None] = {}
    for phrase, _ in q.phrases:
        for word in segment(phrase):
            seen.setdefault(word, None)
    q.words = list(seen)
    return q


def _foreign_query(raw: str, text: str, flat: str, found: list[tuple[str, float]]) -> Query:
    """An English or Uyghur query: the Chinese names of the items it names, as phrases
    weighted by how well it matched (the best first, so it ranks as the official name), and
    its own words as terms of the indexed foreign names (``analyze_item``)."""
    q = Query(raw, text, flat, "foreign")
    q.phrases = [(compact(name), 0.6 + 0.4 * score) for name, score in found]
    seen: dict[str, None] = {}
    for phrase, _ in q.phrases:
        for word in segment(phrase):
            seen.setdefault(word, None)
    for word in foreign_words(raw):
        seen.setdefault(word, None)
    q.words = list(seen)
    return q


FILLER = (
    "怎么办理",
    "怎么办",
    "怎么样",
    "怎么",
    "如何办理",
    "如何",
    "在哪里",
    "在哪儿",
    "在哪",
    "哪里",
    "需要什么",
    "要什么",
    "要哪些",
    "什么",
    "哪些",
    "材料",
    "流程",
    "手续",
    "我要",
    "我想",
    "想要",
    "可以",
    "能不能",
    "能否",
    "吗",
    "呢",
    "啊",
    "吧",
    "了",
    "的",
    "一下",
    "请问",
    "网上",
)


def strip_filler(text: str) -> str:
    """A query without the question words and particles that say nothing about the service."""
    for word in FILLER:
        text = text.replace(word, "")
    return text


def _add_expansions(q: Query, found: list[tuple[str, str]], length: int, base: float) -> None:
    """Synonym terms weigh more the more of the query their phrase explains; a phrase's
    first term more than its later ones."""
    weights: dict[str, float] = dict(q.phrases)
    order: dict[str, int] = {}
    for phrase, term in found:
        n = order.get(phrase, 0)
        order[phrase] = n + 1
        w = (base + 0.3 * min(len(phrase) / max(length, 1), 1.0)) * (0.92**n)
        if w > weights.get(term, 0.0):
            weights[term] = w
    q.phrases = list(weights.items())
