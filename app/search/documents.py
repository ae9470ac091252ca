"""Search documents: what the index stores of one catalogue item, and of one group.

A document has five indexed fields of space-separated terms (the same on SQLite FTS5 and on
PostgreSQL): ``name``, ``keywords`` (the item's colloquial keywords), ``body`` (guide text:
themes, department, conditions, materials, steps), ``pinyin`` and ``initials`` (of the name
and keywords), and ``scope`` (province and filter tokens, so filters are part of the match).
A group's terms (``GroupTerms``) are the union of its items' documents.

This is the one module that turns catalogue rows into index text: per-locale names or other
fields to index are added here (``analyze_item`` and ``doc_row``), and both engines follow.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from app.catalogue.tables import CatalogueItem
from app.domain.enums import Audience
from app.search.foreign import index_terms
from app.search.text import compact, has_cjk, initials, ngrams, normalize, pinyin, segment

BATCH = 1000
ITEM_COLUMNS = (
    "implementation_code, basic_code, province, name, keywords, popularity, area_code, "
    "audience, level, department, online"
)
DOC_COLUMNS = "docid, group_id, " + ITEM_COLUMNS
FIELDS = ("name", "keywords", "body", "pinyin", "initials", "scope")


LEVELS = {"国家级": "national", "省级": "province", "市级": "city", "县级": "county", "乡级": "town", "村级": "village"}  # fmt: skip


def dept_token(department: str) -> str:
    """The filter token of a department (by name: names are what users pick)."""
    return "dept" + hashlib.sha1(department.encode(), usedforsecurity=False).hexdigest()[:12]


def audience_token(audience: str) -> str:
    """The filter token of an audience (``audperson``, ``audbusiness``; ``audother``)."""
    found = Audience.parse(audience)
    return f"aud{found.key if found else 'other'}"


def scope_tokens(
    province: str, audience: str, level: str, online: bool, department: str
) -> list[str]:
    """Filter tokens: every filter is a term that must be present."""
    return [
        f"prov{province}",
        audience_token(audience),
        f"lvl{LEVELS.get(level, 'other')}",
        f"online{int(bool(online))}",
        dept_token(department),
    ]


def _unique(words: list[str]) -> str:
    return " ".join(dict.fromkeys(w for w in words if w))


def body_text(data: dict[str, Any]) -> str:
    """The guide text searched with the lowest weight."""
    return " ".join(p for p in (data.get("department", ""), _service_text(data)) if p)


def _service_text(data: dict[str, Any]) -> str:
    """The part of the guide text the items of one service share (all but the department)."""
    parts: list[str] = [*data.get("themes", [])]
    parts.append(data.get("acceptance_conditions", ""))
    parts += [m.get("name", "") for m in data.get("materials", [])]
    parts += [s.get("name", "") for s in data.get("steps", [])]
    parts.append(data.get("item_type", ""))
    return " ".join(p for p in parts if p)


def _body_of(data: dict[str, Any]) -> str:
    """``_body(body_text(data))``, the department and the service's text analysed apart (each
    is shared by many items) and joined once per pair."""
    return _join_body(_body(data.get("department", "")), _body(_service_text(data)))


@lru_cache(maxsize=65536)
def _join_body(department: str, service: str) -> str:
    return _unique([*department.split(), *service.split()])


@dataclass(frozen=True)
class Document:
    name: str
    keywords: str
    body: str
    pinyin: str
    initials: str
    scope: str


def analyze_item(row: dict[str, Any]) -> Document:
    """Index fields of one catalogue row (``row['data']`` is the full item).

    Items of one service share their keywords, guide text and most of their scope: those
    parts are analysed once per distinct value (cached) and only the name per item; equal
    field texts are the same string objects, so a group adds each only once."""
    data = row["data"]
    name = _phrase(compact(row["name"]))
    kw_terms, kw_py, kw_ini = _keywords(tuple(data.get("keywords", ())))
    # the item's names and keywords in the other locales (app/search/foreign.py)
    foreign = index_terms(row["province"], row["name"])
    return Document(
        name=_unique(list(name[0])),
        keywords=_unique([*kw_terms.split(), *foreign]) if foreign else kw_terms,
        body=_body_of(data),
        pinyin=_join_unique(name[1], kw_py),
        initials=_join_unique(name[2], kw_ini),
        scope=_scope(
            row["province"], row["audience"], row["level"], bool(row["online"]), row["department"]
        ),
    )


@lru_cache(maxsize=65536)
def _keywords(keywords: tuple[str, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    parts = [_phrase(compact(k)) for k in keywords]
    return (
        _unique([t for k in parts for t in k[0]]),
        tuple(t for p in parts for t in p[1]),
        tuple(t for p in parts for t in p[2]),
    )


@lru_cache(maxsize=65536)
def _join_unique(first: tuple[str, ...], rest: tuple[str, ...]) -> str:
    return _unique([*first, *rest])


@lru_cache(maxsize=65536)
def _scope(province: str, audience: str, level: str, online: bool, department: str) -> str:
    return " ".join(scope_tokens(province, audience, level, online, department))


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
class GroupTerms:
    """What a group's term index row is made of: the union of its items' terms."""

    fields: dict[str, dict[str, None]] = field(default_factory=lambda: {f: {} for f in FIELDS})
    keywords: dict[str, None] = field(default_factory=dict)  # compact keywords, in order
    name: str = ""  # of the most popular item
    popularity: int = -1
    items: int = 0
    seen: set[str] = field(default_factory=set, repr=False)  # field texts already added

    def add(self, doc: Document, record: dict[str, Any]) -> None:
        for name in FIELDS:
            text = getattr(doc, name)
            if text not in self.seen:  # the items of a service mostly repeat their texts
                self.seen.add(text)
                self.fields[name].update(dict.fromkeys(text.split()))
        if record["keywords"] not in self.seen:
            self.seen.add(record["keywords"])
            self.keywords.update(dict.fromkeys(k for k in record["keywords"].split("|") if k))
        if record["popularity"] > self.popularity:
            self.name, self.popularity = record["name"], record["popularity"]
        self.items += 1

    def merge(self, other: GroupTerms) -> None:
        for name in FIELDS:
            self.fields[name].update(other.fields[name])
        self.keywords.update(other.keywords)
        if other.popularity > self.popularity:
            self.name, self.popularity = other.name, other.popularity
        self.items += other.items

    def text(self, name: str) -> str:
        return " ".join(self.fields[name])


@lru_cache(maxsize=65536)
def _compact_keywords(keywords: tuple[str, ...]) -> str:
    return "|".join(compact(k) for k in keywords)


ANALYSED = "_analysed"  # a catalogue row's key for what ``analyse_row`` made of it


def analyse_row(row: dict[str, Any]) -> dict[str, Any]:
    """Add what the index makes of a catalogue row's text to it (under ``ANALYSED``: the
    document's text fields and the compact keywords), so that the process that validates a
    row can analyse it too and the one that writes the index only writes (``doc_row`` uses
    what it finds there). What needs the row's province (the scope, and the foreign names of
    the province's own translations among the keywords) is left to ``doc_row``: a worker
    process that validates may not see the registry the loader sees."""
    data = row["data"]
    doc = analyze_item({**row, "province": ""})
    kw_terms = _keywords(tuple(data.get("keywords", ())))[0]  # without the foreign names
    keywords = _compact_keywords(tuple(data.get("keywords", ())))
    row[ANALYSED] = (doc.name, kw_terms, doc.body, doc.pinyin, doc.initials, keywords)
    return row


def doc_row(row: dict[str, Any], docid: int, group_id: int) -> tuple[dict[str, Any], Document]:
    analysed = row.get(ANALYSED)
    if analysed is None:
        doc, keywords = analyze_item(row), _compact_keywords(tuple(row["data"].get("keywords", ())))
    else:
        # as analyze_item makes them, with the province the row has now
        name, kw_terms, body, py, ini, keywords = analysed
        province = row["province"]
        foreign = index_terms(province, row["name"])
        kw = _unique([*kw_terms.split(), *foreign]) if foreign else kw_terms
        scope = _scope(province, row["audience"], row["level"], bool(row["online"]), row["department"])  # fmt: skip
        doc = Document(name, kw, body, py, ini, scope)
    record = {
        "docid": docid,
        "group_id": group_id,
        "implementation_code": row["implementation_code"],
        "basic_code": row["basic_code"],
        "province": row["province"],
        "name": row["name"],
        "keywords": keywords,
        "popularity": row["popularity"],
        "area_code": row["area_code"],
        "audience": row["audience"],
        "level": row["level"],
        "department": row["department"],
        "online": bool(row["online"]),
    }
    return record, doc


def catalogue_rows(
    conn: sa.Connection, codes: Sequence[str] | None, group: tuple[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    items = CatalogueItem.__table__  # type: ignore[attr-defined]
    cols = [
        items.c.implementation_code,
        items.c.basic_code,
        items.c.name,
        items.c.province,
        items.c.audience,
        items.c.level,
        items.c.department,
        items.c.department_code,
        items.c.online,
        items.c.popularity,
        items.c.area_code,
        items.c.data,
    ]
    if group is not None:
        stmt = sa.select(*cols).where(items.c.province == group[0], items.c.basic_code == group[1])
        yield from (dict(r) for r in conn.execute(stmt).mappings())
        return
    if codes is None:
        stmt = sa.select(*cols).order_by(items.c.implementation_code)
        result = conn.execution_options(yield_per=BATCH).execute(stmt)
        for row in result.mappings():
            yield dict(row)
        return
    for i in range(0, len(codes), 500):
        chunk = list(codes[i : i + 500])
        for row in conn.execute(sa.select(*cols).where(items.c.implementation_code.in_(chunk))):
            yield dict(row._mapping)
