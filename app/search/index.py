"""The search index behind one interface: SQLite FTS5 by default, PostgreSQL when the engine
is PostgreSQL. Both keep ``search_doc`` rows in step with ``catalogue_item`` (``sync``) and
return candidates for a query (``candidates``); ranking is shared (``app.search.rank``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from app.search.analyze import AUDIENCES, LEVELS, Document, Query, analyze_item, dept_token
from app.search.rank import Candidate
from app.search.text import compact, initials, ngrams, pinyin

BATCH = 1000
DOC_COLUMNS = (
    "implementation_code, basic_code, province, name, keywords, popularity, area_code, "
    "audience, level, department, online"
)


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
            out.append(f"aud{AUDIENCES.get(self.audience, 'other')}")
        if self.level is not None:
            out.append(f"lvl{LEVELS.get(self.level, 'other')}")
        if self.online is not None:
            out.append(f"online{int(self.online)}")
        if self.department is not None:
            out.append(dept_token(self.department))
        return out


def _doc_row(row: dict[str, Any], docid: int) -> tuple[dict[str, Any], Document]:
    doc = analyze_item(row)

    record = {
        "docid": docid,
        "implementation_code": row["implementation_code"],
        "basic_code": row["basic_code"],
        "province": row["province"],
        "name": row["name"],
        "keywords": "|".join(compact(k) for k in row["data"].get("keywords", [])),
        "popularity": row["popularity"],
        "area_code": row["area_code"],
        "audience": row["audience"],
        "level": row["level"],
        "department": row["department"],
        "online": bool(row["online"]),
    }
    return record, doc


def _catalogue_rows(conn: sa.Connection, codes: Sequence[str] | None) -> Iterator[dict[str, Any]]:
    from app.catalogue.tables import CatalogueItem

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


def _candidate(row: Any, body: str) -> Candidate:
    return Candidate(
        code=row.implementation_code,
        basic_code=row.basic_code,
        name=row.name,
        name_c=compact(row.name),
        keywords=[k for k in (row.keywords or "").split("|") if k],
        body=body.replace(" ", "") if body else "",
        popularity=int(row.popularity),
        area_code=row.area_code,
        audience=row.audience,
        level=row.level,
        department=row.department,
        online=bool(row.online),
    )


class SearchIndex(Protocol):
    """What every index implementation provides."""

    def sync(self, conn: sa.Connection, codes: Sequence[str] | None = None) -> int:
        """Re-index ``codes`` (``None``: everything); return the number of documents written."""

    def missing(self, conn: sa.Connection) -> list[str]:
        """Catalogue items that have no document."""

    def candidates(
        self, conn: sa.Connection, q: Query, province: str | None, filters: Filters, limit: int
    ) -> list[Candidate]:
        """Up to ``limit`` items matching any term of the query (recall over precision)."""


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


class SqliteIndex:
    """SQLite FTS5 over pre-segmented terms (unicode61 keeps CJK words whole)."""

    WEIGHTS = "bm25(10.0, 6.0, 1.0, 5.0, 4.0, 0.0)"

    def sync(self, conn: sa.Connection, codes: Sequence[str] | None = None) -> int:
        if codes is None:
            conn.exec_driver_sql("DELETE FROM search_fts")
            conn.exec_driver_sql("DELETE FROM search_doc")
        elif codes:
            for i in range(0, len(codes), 500):
                chunk = list(codes[i : i + 500])
                marks = ",".join("?" * len(chunk))
                conn.exec_driver_sql(
                    "DELETE FROM search_fts WHERE rowid IN (SELECT docid FROM search_doc "
                    f"WHERE implementation_code IN ({marks}))",
                    tuple(chunk),
                )
                conn.exec_driver_sql(
                    f"DELETE FROM search_doc WHERE implementation_code IN ({marks})", tuple(chunk)
                )
        else:
            return 0
        next_id = conn.exec_driver_sql("SELECT coalesce(max(docid), 0) FROM search_doc").scalar()
        next_id = int(next_id or 0) + 1
        written = 0
        docs: list[dict[str, Any]] = []
        fts: list[tuple[Any, ...]] = []
        for row in _catalogue_rows(conn, codes):
            record, doc = _doc_row(row, next_id)
            next_id += 1
            docs.append(record)
            fts.append(
                (
                    record["docid"],
                    doc.name,
                    doc.keywords,
                    doc.body,
                    doc.pinyin,
                    doc.initials,
                    doc.scope,
                )
            )
            if len(docs) >= BATCH:
                written += self._write(conn, docs, fts)
                docs, fts = [], []
        if docs:
            written += self._write(conn, docs, fts)
        return written

    @staticmethod
    def _write(conn: sa.Connection, docs: list[dict[str, Any]], fts: list[tuple[Any, ...]]) -> int:
        from app.search.tables import SearchDoc

        conn.execute(sa.insert(SearchDoc.__table__), docs)  # type: ignore[attr-defined]
        conn.exec_driver_sql(
            "INSERT INTO search_fts(rowid, name, keywords, body, pinyin, initials, scope) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            fts,
        )
        return len(docs)

    def missing(self, conn: sa.Connection) -> list[str]:
        rows = conn.exec_driver_sql(
            "SELECT c.implementation_code FROM catalogue_item c LEFT JOIN search_doc d "
            "ON d.implementation_code = c.implementation_code WHERE d.docid IS NULL"
        )
        return [r[0] for r in rows]

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
            f"SELECT d.{DOC_COLUMNS.replace(', ', ', d.')}, f.body FROM "
            f"(SELECT rowid, body, rank FROM search_fts WHERE search_fts MATCH ? "
            f"AND rank MATCH '{self.WEIGHTS}' ORDER BY rank LIMIT ?) f "
            "JOIN search_doc d ON d.docid = f.rowid ORDER BY f.rank"
        )
        rows = conn.exec_driver_sql(sql, (expr, limit)).all()
        return [_candidate(r, r.body) for r in rows]


class PostgresIndex:
    """PostgreSQL: a ``tsvector`` of the same pre-segmented terms (config ``simple``) with a
    GIN index, and pg_trgm on the pinyin text for typed-pinyin typos."""

    def sync(self, conn: sa.Connection, codes: Sequence[str] | None = None) -> int:
        if codes is None:
            conn.exec_driver_sql("DELETE FROM search_doc")
        elif codes:
            conn.execute(
                sa.text("DELETE FROM search_doc WHERE implementation_code = ANY(:codes)"),
                {"codes": list(codes)},
            )
        else:
            return 0
        next_id = conn.exec_driver_sql("SELECT coalesce(max(docid), 0) FROM search_doc").scalar()
        next_id = int(next_id or 0) + 1
        written = 0
        batch: list[dict[str, Any]] = []
        for row in _catalogue_rows(conn, codes):
            record, doc = _doc_row(row, next_id)
            next_id += 1
            record.update(
                t_name=doc.name,
                t_kw=doc.keywords,
                t_body=doc.body,
                t_latin=f"{doc.pinyin} {doc.initials}",
                t_scope=doc.scope,
                body=doc.body,
                latin=f"{doc.pinyin} {doc.initials}",
            )
            batch.append(record)
            if len(batch) >= BATCH:
                written += self._write(conn, batch)
                batch = []
        if batch:
            written += self._write(conn, batch)
        return written

    @staticmethod
    def _write(conn: sa.Connection, batch: list[dict[str, Any]]) -> int:
        conn.execute(
            sa.text(
                f"INSERT INTO search_doc (docid, {DOC_COLUMNS}, body, latin, terms) VALUES "
                "(:docid, :implementation_code, :basic_code, :province, :name, :keywords, "
                ":popularity, :area_code, :audience, :level, :department, :online, :body, :latin, "
                "setweight(to_tsvector('simple', :t_name), 'A') || "
                "setweight(to_tsvector('simple', :t_kw), 'B') || "
                "setweight(to_tsvector('simple', :t_latin), 'B') || "
                "setweight(to_tsvector('simple', :t_body), 'D') || "
                "to_tsvector('simple', :t_scope))"
            ),
            batch,
        )
        return len(batch)

    def missing(self, conn: sa.Connection) -> list[str]:
        rows = conn.exec_driver_sql(
            "SELECT c.implementation_code FROM catalogue_item c LEFT JOIN search_doc d "
            "ON d.implementation_code = c.implementation_code WHERE d.docid IS NULL"
        )
        return [r[0] for r in rows]

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
        sql = sa.text(
            f"SELECT {DOC_COLUMNS}, body FROM search_doc, to_tsquery('simple', :q) query "
            "WHERE terms @@ query ORDER BY ts_rank(terms, query) DESC LIMIT :n"
        )
        rows = conn.execute(sql, {"q": expr, "n": limit}).all()
        if not rows and broad and q.kind in ("pinyin", "initials") and len(q.latin) >= 4:
            sql = sa.text(
                f"SELECT {DOC_COLUMNS}, body FROM search_doc WHERE latin % :latin "
                + ("AND province = :province " if province else "")
                + "ORDER BY similarity(latin, :latin) DESC LIMIT :n"
            )
            rows = conn.execute(sql, {"latin": q.latin, "province": province, "n": limit}).all()
        return [_candidate(r, r.body) for r in rows]


def index_for(dialect: str) -> SearchIndex:
    """The index implementation for a SQLAlchemy dialect name."""
    if dialect == "sqlite":
        return SqliteIndex()
    if dialect == "postgresql":
        return PostgresIndex()
    raise ValueError(f"search index: unsupported database {dialect!r}; use sqlite or postgresql")
