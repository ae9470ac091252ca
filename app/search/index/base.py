"""What both index engines share: filters, the groups' bookkeeping, fetching a group's
items, and the terms a query looks up. ``GroupIndex`` is the abstract base: an engine keeps
the term index (``_write_terms``/``_write_group``, ``_read_terms``, ``_delete_group``) and
matches it (``candidates``); everything else is here, the same on every database."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, Protocol

import sqlalchemy as sa

from app.search.analyze import Query
from app.search.documents import (
    BATCH,
    DOC_COLUMNS,
    ITEM_COLUMNS,
    LEVELS,
    GroupTerms,
    audience_token,
    catalogue_rows,
    dept_token,
    doc_row,
)
from app.search.rank import Candidate
from app.search.text import compact, initials, ngrams, pinyin

DOC_FIELDS = tuple(DOC_COLUMNS.split(", "))
_DOC_VALUES = itemgetter(*DOC_FIELDS)


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


def _chunks(codes: Sequence[str], n: int = 500) -> Iterator[list[str]]:
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


class GroupIndex(ABC):
    """Item rows and group bookkeeping shared by both implementations; subclasses keep the
    term index (``_write_group``/``_write_terms``, ``_read_terms``, ``_delete_group``) and
    match it (``candidates``)."""

    def _insert_docs(self, conn: sa.Connection, docs: list[dict[str, Any]]) -> None:
        """Item rows in bulk (COPY on PostgreSQL, executemany straight on the driver on
        SQLite: SQLAlchemy's per-row parameter handling cost as much as the insert itself)."""
        from app.catalogue.db import insert_rows

        insert_rows(conn, "search_doc", DOC_FIELDS, [_DOC_VALUES(d) for d in docs])

    def _write_terms(self, conn: sa.Connection, group_id: int, terms: GroupTerms) -> None:
        """The term index row of a group (engines that write terms apart from the group)."""
        raise NotImplementedError(f"{type(self).__name__} writes terms with the group")

    @abstractmethod
    def _read_terms(self, conn: sa.Connection, group_id: int) -> GroupTerms | None:
        """A group's terms as written, or ``None`` when they cannot be read back."""

    @abstractmethod
    def candidates(
        self,
        conn: sa.Connection,
        q: Query,
        province: str | None,
        filters: Filters,
        limit: int,
        broad: bool = False,
    ) -> list[Candidate]:
        """Up to ``limit`` groups matching any term of the query, best first."""

    def _clear(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql("DELETE FROM search_doc")
        conn.exec_driver_sql("DELETE FROM search_group")

    def sync(self, conn: sa.Connection, codes: Sequence[str] | None = None) -> int:
        pending = self.write_items(conn, codes)
        self.refresh(conn, pending)
        return pending.written

    def write_items(
        self,
        conn: sa.Connection,
        codes: Sequence[str] | None,
        pending: Pending | None = None,
        rows: Sequence[dict[str, Any]] | None = None,
        replace: Sequence[str] | None = None,
    ) -> Pending:
        """Write the item rows of ``codes`` (``None``: all, from scratch) and note their
        groups in ``pending`` (a new one unless given); terms wait for ``refresh``.
        ``rows``: the catalogue rows of ``codes`` when the caller has them (the loader).
        ``replace``: the codes that may already have documents (default: all of them); the
        loader names only the changed items, so items it has just inserted cost no look-up
        (inside one long transaction the planner knows nothing of the rows it added, and
        each look-up scanned the whole table)."""
        pending = pending or Pending()
        if rows is not None:
            codes = [r["implementation_code"] for r in rows]
        if codes is None:
            self._clear(conn)
            pending.keys = {}
            pending.next_group = 1
        elif not codes:
            return pending
        else:
            self._load_keys(conn, pending)
            for chunk in _chunks(list(codes if replace is None else replace)):
                marks = ", ".join(f":c{i}" for i in range(len(chunk)))
                params = {f"c{i}": c for i, c in enumerate(chunk)}
                old = conn.execute(
                    sa.text(f"SELECT DISTINCT group_id FROM search_doc WHERE "
                            f"implementation_code IN ({marks})"), params)  # fmt: skip
                pending.stale.update(g for (g,) in old)
                conn.execute(
                    sa.text(f"DELETE FROM search_doc WHERE implementation_code IN ({marks})"),
                    params,
                )
        assert pending.keys is not None
        docid = conn.exec_driver_sql("SELECT coalesce(max(docid), 0) FROM search_doc").scalar()
        docid = int(docid or 0) + 1
        docs: list[dict[str, Any]] = []
        for row in rows if rows is not None else catalogue_rows(conn, codes):
            key = (row["province"], row["basic_code"])
            group_id = pending.keys.get(key)
            if group_id is None:
                group_id = pending.keys[key] = pending.next_group
                pending.next_group += 1
                pending.created.add(group_id)
            record, doc = doc_row(row, docid, group_id)
            docid += 1
            terms = pending.added.get(group_id)
            if terms is None:
                terms = pending.added[group_id] = GroupTerms()
            terms.add(doc, record)
            docs.append(record)
            if len(docs) >= BATCH:
                self._insert_docs(conn, docs)
                pending.written += len(docs)
                docs = []
        if docs:
            self._insert_docs(conn, docs)
            pending.written += len(docs)
        return pending

    @staticmethod
    def _load_keys(conn: sa.Connection, pending: Pending) -> None:
        if pending.keys is not None:
            return
        rows = conn.exec_driver_sql("SELECT group_id, province, basic_code FROM search_group")
        pending.keys = {(p, b): g for g, p, b in rows}
        top = max(pending.keys.values(), default=0)
        pending.next_group = top + 1

    def refresh(self, conn: sa.Connection, pending: Pending) -> int:
        """Rewrite the terms of every group ``pending`` touched; return how many."""
        if pending.keys is None:
            return 0
        by_id = {g: key for key, g in pending.keys.items()}
        done = 0
        for group_id in sorted(pending.groups()):
            key = by_id[group_id]
            terms: GroupTerms | None = None
            if group_id not in pending.stale:
                terms = pending.added[group_id]
                if group_id not in pending.created:
                    old = self._read_terms(conn, group_id)
                    if old is not None:
                        old.merge(terms)
                    terms = old
            if terms is None:  # recompute from the group's items in the catalogue
                terms = GroupTerms()
                for row in catalogue_rows(conn, None, group=key):
                    record, doc = doc_row(row, 0, group_id)
                    terms.add(doc, record)
            if group_id not in pending.created:
                self._delete_group(conn, group_id)
            if terms.items:
                self._write_group(conn, group_id, key, terms)
            else:
                del pending.keys[key]
            done += 1
        pending.created.clear()
        pending.stale.clear()
        pending.added.clear()
        return done

    @staticmethod
    def _group_params(group_id: int, key: tuple[str, str], terms: GroupTerms) -> dict[str, Any]:
        return {"g": group_id, "p": key[0], "b": key[1], "n": terms.name,
                "k": "|".join(terms.keywords), "pop": terms.popularity, "items": terms.items}  # fmt: skip

    def _write_group(
        self, conn: sa.Connection, group_id: int, key: tuple[str, str], terms: GroupTerms
    ) -> None:
        conn.execute(
            sa.text(
                "INSERT INTO search_group (group_id, province, basic_code, name, keywords, "
                "popularity, items) VALUES (:g, :p, :b, :n, :k, :pop, :items)"
            ),
            self._group_params(group_id, key, terms),
        )
        self._write_terms(conn, group_id, terms)

    def _delete_group(self, conn: sa.Connection, group_id: int) -> None:
        conn.execute(sa.text("DELETE FROM search_group WHERE group_id = :g"), {"g": group_id})

    def remove_items(self, conn: sa.Connection, codes: Sequence[str], pending: Pending) -> None:
        """Drop the documents of ``codes`` (items leaving the catalogue); their groups are
        recomputed (or dropped when empty) by ``refresh``."""
        self._load_keys(conn, pending)
        for chunk in _chunks(codes):
            marks = ", ".join(f":c{i}" for i in range(len(chunk)))
            params = {f"c{i}": c for i, c in enumerate(chunk)}
            old = conn.execute(
                sa.text(f"SELECT DISTINCT group_id FROM search_doc WHERE "
                        f"implementation_code IN ({marks})"), params)  # fmt: skip
            pending.stale.update(g for (g,) in old)
            conn.execute(
                sa.text(f"DELETE FROM search_doc WHERE implementation_code IN ({marks})"), params
            )

    def missing(self, conn: sa.Connection) -> list[str]:
        rows = conn.exec_driver_sql(
            "SELECT c.implementation_code FROM catalogue_item c LEFT JOIN search_doc d "
            "ON d.implementation_code = c.implementation_code WHERE d.docid IS NULL"
        )
        return [r[0] for r in rows]


class SearchIndex(Protocol):
    """What every index implementation provides."""

    def sync(self, conn: sa.Connection, codes: Sequence[str] | None = None) -> int:
        """Re-index ``codes`` (``None``: everything); return the number of items written."""
        ...

    def write_items(
        self,
        conn: sa.Connection,
        codes: Sequence[str] | None,
        pending: Pending | None = None,
        rows: Sequence[dict[str, Any]] | None = None,
        replace: Sequence[str] | None = None,
    ) -> Pending:
        """Item rows only; the touched groups wait in the returned ``Pending``."""
        ...

    def refresh(self, conn: sa.Connection, pending: Pending) -> int:
        """Rewrite the terms of the groups ``pending`` touched."""
        ...

    def missing(self, conn: sa.Connection) -> list[str]:
        """Catalogue items that have no document."""
        ...

    def remove_items(self, conn: sa.Connection, codes: Sequence[str], pending: Pending) -> None:
        """Drop the documents of ``codes``; ``refresh`` recomputes their groups."""

    def candidates(
        self,
        conn: sa.Connection,
        q: Query,
        province: str | None,
        filters: Filters,
        limit: int,
        broad: bool = False,
    ) -> list[Candidate]:
        """Up to ``limit`` groups matching any term of the query (recall over precision),
        as candidates carrying the group's name, keywords and guide text."""
        ...


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
