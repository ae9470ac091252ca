"""The PostgreSQL engine: a tsvector per group with a GIN index, pg_trgm for typed-pinyin typos."""

from __future__ import annotations

import sqlalchemy as sa

from app.search.analyze import Query
from app.search.documents import GroupTerms
from app.search.index.base import GroupIndex
from app.search.index.items import Filters, group_candidate, query_terms
from app.search.rank import Candidate


class PostgresIndex(GroupIndex):
    """PostgreSQL: a ``tsvector`` of the same pre-segmented terms (config ``simple``) with a
    GIN index on ``search_group``, and pg_trgm on its pinyin text for typed-pinyin typos."""

    def _write_group(
        self, conn: sa.Connection, group_id: int, key: tuple[str, str], terms: GroupTerms
    ) -> None:
        latin = f"{terms.text('pinyin')} {terms.text('initials')}"
        conn.execute(
            sa.text(
                "INSERT INTO search_group (group_id, province, basic_code, name, keywords, "
                "popularity, items, body, latin, terms) VALUES (:g, :p, :b, :n, :k, :pop, "
                ":items, :body, :latin, "
                "setweight(to_tsvector('simple', :t_name), 'A') || "
                "setweight(to_tsvector('simple', :t_kw), 'B') || "
                "setweight(to_tsvector('simple', :latin), 'B') || "
                "setweight(to_tsvector('simple', :body), 'D') || "
                "to_tsvector('simple', :t_scope))"
            ),
            {**self._group_params(group_id, key, terms), "t_name": terms.text("name"),
             "t_kw": terms.text("keywords"), "latin": latin, "body": terms.text("body"),
             "t_scope": terms.text("scope")},
        )  # fmt: skip

    def _read_terms(self, conn: sa.Connection, group_id: int) -> GroupTerms | None:
        """A tsvector does not give its terms back in order: recompute from the items."""
        return None

    @staticmethod
    def tsquery(q: Query, province: str | None, filters: Filters, broad: bool) -> str | None:
        cjk, py, ini = query_terms(q, broad)
        quote = lambda t: "'" + t.replace("'", "''") + "'"  # noqa: E731
        parts = [quote(t) for t in cjk] + [quote(t) + ":*" for t in py + ini]
        if not parts:
            return None
        expr = "(" + " | ".join(parts) + ")"
        for token in ([f"prov{province}"] if province else []) + filters.tokens():
            expr += f" & {quote(token)}"
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
        expr = self.tsquery(q, province, filters, broad)
        if expr is None:
            return []
        columns = "group_id, basic_code, name, keywords, popularity, body"
        # the province as a column too: a group's tsvector (every term of its items) is large,
        # and only the province's groups are then read and matched, not every province's
        sql = sa.text(
            f"SELECT {columns} FROM search_group, to_tsquery('simple', :q) query "
            "WHERE terms @@ query "
            + ("AND province = :province " if province else "")
            + "ORDER BY ts_rank(terms, query) DESC LIMIT :n"
        )
        rows = conn.execute(sql, {"q": expr, "province": province, "n": limit}).all()
        if not rows and broad and q.kind in ("pinyin", "initials") and len(q.latin) >= 4:
            sql = sa.text(
                f"SELECT {columns} FROM search_group WHERE latin % :latin "
                + ("AND province = :province " if province else "")
                + "ORDER BY similarity(latin, :latin) DESC LIMIT :n"
            )
            rows = conn.execute(sql, {"latin": q.latin, "province": province, "n": limit}).all()
        return [group_candidate(r.group_id, r, r.body) for r in rows]
