"""What both index engines read alike: the search filters, the groups a write touched
(:class:`Pending`), a group's items, a group as a ranking candidate, and the terms a query
looks up."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from app.search.analyze import Query
from app.search.documents import (
    DOC_COLUMNS,
    ITEM_COLUMNS,
    LEVELS,
    GroupTerms,
    audience_token,
    dept_token,
)
from app.search.rank import Candidate
from app.search.text import compact, initials, ngrams, pinyin

DOC_FIELDS = tuple(DOC_COLUMNS.split(", "))
DOC_VALUES = itemgetter(*DOC_FIELDS)


@dataclass(frozen=True)
class Filters:
    """Optional filters; ``None`` means any."""

    audience: str | None = None  # 个人 | 法人
    department: str | None = None
    level: str | None = None  # 省级 | 市级 | 县级 ...
    online: bool | None = None

    def tokens(self) -> list[str]:
        out = []
        if self.audience is not None:
            out.append(audience_token(self.audience))
        if self.level is not None:
            out.append(f"lvl{LEVELS.get(self.level, 'other')}")
        if self.online is not None:
            out.append(f"online{int(self.online)}")
        if self.department is not None:
            out.append(dept_token(self.department))
        return out

    def where(self) -> tuple[str, dict[str, Any]]:
        """SQL conditions on ``search_doc`` columns (for items of a group)."""
        sql, params = "", {}
        for column in ("audience", "department", "level", "online"):
            value = getattr(self, column)
            if value is not None:
                sql += f" AND {column} = :{column}"
                params[column] = value
        return sql, params


@dataclass
class Pending:
    """Groups touched by ``write_items`` and not yet refreshed."""

    keys: dict[tuple[str, str], int] | None = None  # (province, basic_code) -> group_id
    next_group: int = 1
    created: set[int] = field(default_factory=set)  # groups with no terms written yet
    stale: set[int] = field(default_factory=set)  # an item left or changed: recompute
    added: dict[int, GroupTerms] = field(default_factory=dict)  # new items' terms
    written: int = 0

    def groups(self) -> set[int]:
        return self.stale | set(self.added)


def chunks(codes: Sequence[str], n: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(codes), n):
        yield list(codes[i : i + n])


@lru_cache(maxsize=65536)
def split_keywords(keywords: str | None) -> tuple[str, ...]:
    """The compact keywords stored joined by ``|`` (items of a service share them)."""
    return tuple(k for k in (keywords or "").split("|") if k)


@lru_cache(maxsize=4096)
def _compact_body(body: str | None) -> str:
    return body.replace(" ", "") if body else ""


def group_candidate(group_id: int, row: Any, body: str) -> Candidate:
    return Candidate(
        code=f"group:{group_id}",
        basic_code=row.basic_code,
        name=row.name,
        name_c=compact(row.name),
        keywords=list(split_keywords(row.keywords)),
        body=_compact_body(body),
        popularity=int(row.popularity),
        area_code="",
        audience="",
        level="",
        department="",
        online=False,
        group_id=group_id,
    )


def items_of(
    conn: sa.Connection, group: Candidate, filters: Filters, area: str | None, limit: int
) -> list[Candidate]:
    """The ``limit`` most popular items of a group that pass the filters, and with an
    ``area``, also the most popular in the user's county and city (the region boost can
    lift those above more popular ones). Each uses the (group_id, popularity) index."""
    return items_of_groups(conn, [group], filters, area, limit)[group.group_id]


def items_of_groups(
    conn: sa.Connection,
    groups: Sequence[Candidate],
    filters: Filters,
    area: str | None,
    limit: int,
) -> dict[int, list[Candidate]]:
    """``items_of`` for several groups in one round trip: one statement, a ``UNION ALL`` of
    the per-group look-ups (each still an index range of its own)."""
    cond, params = filters.where()
    params["n"] = limit
    parts: list[str] = []
    ranges = [("", None)]
    if area:
        ranges += [("AND area_code >= :lo{d} AND area_code < :hi{d} ", d) for d in (6, 4)]
        for d in (6, 4):
            params[f"lo{d}"], params[f"hi{d}"] = area[:d], area[:d] + "~"
    for i, group in enumerate(groups):
        params[f"g{i}"] = group.group_id
        for where, d in ranges:
            parts.append(
                f"SELECT * FROM (SELECT {ITEM_COLUMNS}, group_id FROM search_doc "
                f"WHERE group_id = :g{i}{cond} {where.format(d=d) if d else ''}"
                "ORDER BY popularity DESC, implementation_code LIMIT :n) AS p"
                f"{i}_{d or 0}"
            )
    rows = conn.execute(sa.text(" UNION ALL ".join(parts)), params) if parts else []
    by_id = {g.group_id: g for g in groups}
    found: dict[int, dict[str, Candidate]] = {g.group_id: {} for g in groups}
    for r in rows:
        group = by_id[r.group_id]
        items = found[r.group_id]
        if r.implementation_code not in items:
            items[r.implementation_code] = Candidate(
                code=r.implementation_code,
                basic_code=r.basic_code,
                name=r.name,
                name_c=compact(r.name),
                keywords=list(split_keywords(r.keywords)),
                body=group.body,
                popularity=int(r.popularity),
                area_code=r.area_code,
                audience=r.audience,
                level=r.level,
                department=r.department,
                online=bool(r.online),
                group_id=group.group_id,
            )
    # the order of one group's look-ups is kept: most popular first, then the user's area
    return {g: list(items.values()) for g, items in found.items()}


def query_terms(q: Query, broad: bool) -> tuple[list[str], list[str], list[str]]:
    """(CJK terms, pinyin prefixes, initials prefixes) to look up for a query."""
    cjk: list[str] = list(q.words)
    for phrase, _ in q.phrases:
        cjk += ngrams(phrase, 2)
        if broad or len(phrase) <= 2:
            cjk += ngrams(phrase, 1)
    py: list[str] = []
    ini: list[str] = []
    if q.kind in ("pinyin", "initials"):
        if q.latin:
            py.append(q.latin)
        ini.append(q.compact)
        if broad and len(q.latin) >= 4:
            py.append(q.latin[:3])
    for word in q.words:
        if len(word) >= 2 and word.isascii() is False:
            py.append(pinyin(word))
    if q.kind in ("chinese", "mixed") and len(q.compact) >= 2:
        py.append(pinyin(q.compact))
        if broad:
            ini.append(initials(q.compact))
    dedup = lambda xs: list(dict.fromkeys(x for x in xs if x))  # noqa: E731
    return dedup(cjk), dedup(py), dedup(ini)
