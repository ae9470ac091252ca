"""The SQLite engine: FTS5 over pre-segmented terms, one row per group."""

from __future__ import annotations

import sqlalchemy as sa

from app.search.analyze import Query
from app.search.documents import FIELDS, GroupTerms
from app.search.index.base import GroupIndex
from app.search.index.items import Filters, group_candidate, query_terms
from app.search.rank import Candidate


class SqliteIndex(GroupIndex):
    """SQLite FTS5 over pre-segmented terms (unicode61 keeps CJK words whole), one row per
    group (rowid = group_id)."""

    WEIGHTS = "bm25(10.0, 6.0, 1.0, 5.0, 4.0, 0.0)"

    def _clear(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql("DELETE FROM search_fts")
        super()._clear(conn)

    def _write_terms(self, conn: sa.Connection, group_id: int, terms: GroupTerms) -> None:
        conn.exec_driver_sql(
            f"INSERT INTO search_fts (rowid, {', '.join(FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (group_id, *(terms.text(f) for f in FIELDS)),
        )

    def _read_terms(self, conn: sa.Connection, group_id: int) -> GroupTerms | None:
        terms = GroupTerms()
        row = conn.exec_driver_sql(
            f"SELECT {', '.join(FIELDS)} FROM search_fts WHERE rowid = ?", (group_id,)
        ).first()
        group = conn.exec_driver_sql(
            "SELECT name, keywords, popularity, items FROM search_group WHERE group_id = ?",
            (group_id,),
        ).first()
        if row is None or group is None:
            return None
        for name, text in zip(FIELDS, row, strict=True):
            terms.fields[name] = dict.fromkeys(text.split())
        terms.keywords = dict.fromkeys(k for k in group.keywords.split("|") if k)
        terms.name, terms.popularity, terms.items = group.name, group.popularity, group.items
        return terms

    def _delete_group(self, conn: sa.Connection, group_id: int) -> None:
        conn.exec_driver_sql("DELETE FROM search_fts WHERE rowid = ?", (group_id,))
        super()._delete_group(conn, group_id)

    @staticmethod
    def match_expression(
        q: Query, province: str | None, filters: Filters, broad: bool
    ) -> str | None:
        cjk, py, ini = query_terms(q, broad)
        quote = lambda t: '"' + t.replace('"', '""') + '"'  # noqa: E731
        parts = [f"{{name keywords body}} : {quote(t)}" for t in cjk]
        parts += [f"pinyin : {quote(t)}*" for t in py]
        parts += [f"initials : {quote(t)}*" for t in ini]
        if not parts:
            return None
        expr = "(" + " OR ".join(parts) + ")"
        scope = ([f"prov{province}"] if province else []) + filters.tokens()
        for token in scope:
            expr += f" AND scope : {quote(token)}"
        return expr

    def candidates(
        self,
        conn: sa.Connection,
        q: Query,
        province: str | None,
        filters: Filters,
        limit: int,
        broad: bool = False,
    ) -> list[Candidate]:
        expr = self.match_expression(q, province, filters, broad)
        if expr is None:
            return []
        sql = (
            "SELECT g.group_id, g.basic_code, g.name, g.keywords, g.popularity, f.body FROM "
            f"(SELECT rowid, body, rank FROM search_fts WHERE search_fts MATCH ? "
            f"AND rank MATCH '{self.WEIGHTS}' ORDER BY rank LIMIT ?) f "
            "JOIN search_group g ON g.group_id = f.rowid ORDER BY f.rank"
        )
        rows = conn.exec_driver_sql(sql, (expr, limit)).all()
        return [group_candidate(r.group_id, r, r.body) for r in rows]
