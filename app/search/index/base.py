"""The abstract index both engines build on (``GroupIndex``) and the interface every index
provides (``SearchIndex``): an engine keeps the term index (``_write_terms``/``_write_group``,
``_read_terms``, ``_delete_group``) and matches it (``candidates``); everything else is here,
the same on every database. What they read alike (filters, a group's items, a query's terms)
is ``app.search.index.items``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Protocol

import sqlalchemy as sa

from app.catalogue.db import insert_rows
from app.search.analyze import Query
from app.search.documents import (
    BATCH,
    GroupTerms,
    catalogue_rows,
    doc_row,
)
from app.search.index.items import DOC_FIELDS, DOC_VALUES, Filters, Pending, chunks
from app.search.rank import Candidate


class GroupIndex(ABC):
    """Item rows and group bookkeeping shared by both implementations; subclasses keep the
    term index (``_write_group``/``_write_terms``, ``_read_terms``, ``_delete_group``) and
    match it (``candidates``)."""

    def _insert_docs(self, conn: sa.Connection, docs: list[dict[str, Any]]) -> None:
        """Item rows in bulk (COPY on PostgreSQL, executemany straight on the driver on
        SQLite: SQLAlchemy's per-row parameter handling cost as much as the insert itself)."""
        insert_rows(conn, "search_doc", DOC_FIELDS, [DOC_VALUES(d) for d in docs])

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
            for chunk in chunks(list(codes if replace is None else replace)):
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
        for chunk in chunks(codes):
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
