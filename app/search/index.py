"""The search index behind one interface: SQLite FTS5 by default, PostgreSQL when the engine
is PostgreSQL.

Text is indexed once per *group*: one service (basic code) in one province, with every item
implementing it in that province's areas attached (``search_doc.group_id``). A group's terms
are the union of its items' terms, so the term index has as many rows as there are services
per province, whatever the number of areas, and a query matches and scores groups; the
service layer then fetches each promising group's best items by popularity and region
(``items_of``) and ranks those (``app.search.rank``).

Both implementations keep ``search_doc`` and the groups in step with ``catalogue_item``:
``write_items`` writes item rows and collects the touched groups in a ``Pending``;
``refresh`` rewrites those groups' terms once (the loader calls it after its last batch);
``sync`` does both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from app.search.analyze import AUDIENCES, LEVELS, Document, Query, analyze_item, dept_token
from app.search.rank import Candidate
from app.search.text import compact, initials, ngrams, pinyin

BATCH = 1000
ITEM_COLUMNS = (
    "implementation_code, basic_code, province, name, keywords, popularity, area_code, "
    "audience, level, department, online"
)
DOC_COLUMNS = "docid, group_id, " + ITEM_COLUMNS
FIELDS = ("name", "keywords", "body", "pinyin", "initials", "scope")


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
class GroupTerms:
    """What a group's term index row is made of: the union of its items' terms."""

    fields: dict[str, dict[str, None]] = field(default_factory=lambda: {f: {} for f in FIELDS})
    keywords: dict[str, None] = field(default_factory=dict)  # compact keywords, in order
    name: str = ""  # of the most popular item
    popularity: int = -1
    items: int = 0

    def add(self, doc: Document, record: dict[str, Any]) -> None:
        for name in FIELDS:
            self.fields[name].update(dict.fromkeys(getattr(doc, name).split()))
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


def _doc_row(row: dict[str, Any], docid: int, group_id: int) -> tuple[dict[str, Any], Document]:
    doc = analyze_item(row)
    record = {
        "docid": docid,
        "group_id": group_id,
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


def _catalogue_rows(
    conn: sa.Connection, codes: Sequence[str] | None, group: tuple[str, str] | None = None
) -> Iterator[dict[str, Any]]:
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


def _chunks(codes: Sequence[str], n: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(codes), n):
        yield list(codes[i : i + n])


def _group_candidate(group_id: int, row: Any, body: str) -> Candidate:
    return Candidate(
        code=f"group:{group_id}",
        basic_code=row.basic_code,
        name=row.name,
        name_c=compact(row.name),
        keywords=[k for k in (row.keywords or "").split("|") if k],
        body=body.replace(" ", "") if body else "",
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
    cond, params = filters.where()
    params.update(group=group.group_id, n=limit)
    sql = (
        f"SELECT {ITEM_COLUMNS} FROM search_doc WHERE group_id = :group{cond} "
        "{area}ORDER BY popularity DESC, implementation_code LIMIT :n"
    )
    rows = list(conn.execute(sa.text(sql.format(area="")), params))
    if area:
        for digits in (6, 4):
            lo = area[:digits]
            rows += conn.execute(
                sa.text(sql.format(area="AND area_code >= :lo AND area_code < :hi ")),
                {**params, "lo": lo, "hi": lo + "~"},
            )
    found: dict[str, Candidate] = {}
    for r in rows:
        if r.implementation_code not in found:
            found[r.implementation_code] = Candidate(
                code=r.implementation_code,
                basic_code=r.basic_code,
                name=r.name,
                name_c=compact(r.name),
                keywords=[k for k in (r.keywords or "").split("|") if k],
                body=group.body,
                popularity=int(r.popularity),
                area_code=r.area_code,
                audience=r.audience,
                level=r.level,
                department=r.department,
                online=bool(r.online),
                group_id=group.group_id,
            )
    return list(found.values())


class _Groups:
    """Item rows and group bookkeeping shared by both implementations; subclasses keep the
    term index (``_write_group``/``_write_terms``, ``_read_terms``, ``_delete_group``) and
    match it (``candidates``)."""

    def _insert_docs(self, conn: sa.Connection, docs: list[dict[str, Any]]) -> None:
        from app.search.tables import SearchDoc

        conn.execute(sa.insert(SearchDoc.__table__), docs)  # type: ignore[attr-defined]

    def _write_terms(self, conn: sa.Connection, group_id: int, terms: GroupTerms) -> None:
        raise NotImplementedError

    def _read_terms(self, conn: sa.Connection, group_id: int) -> GroupTerms | None:
        """A group's terms as written, or ``None`` when they cannot be read back."""
        raise NotImplementedError

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
    ) -> Pending:
        """Write the item rows of ``codes`` (``None``: all, from scratch) and note their
        groups in ``pending`` (a new one unless given); terms wait for ``refresh``.
        ``rows``: the catalogue rows of ``codes`` when the caller has them (the loader)."""
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
            for chunk in _chunks(codes):
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
        for row in rows if rows is not None else _catalogue_rows(conn, codes):
            key = (row["province"], row["basic_code"])
            group_id = pending.keys.get(key)
            if group_id is None:
                group_id = pending.keys[key] = pending.next_group
                pending.next_group += 1
                pending.created.add(group_id)
            record, doc = _doc_row(row, docid, group_id)
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
                for row in _catalogue_rows(conn, None, group=key):
                    record, doc = _doc_row(row, 0, group_id)
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

    def write_items(
        self,
        conn: sa.Connection,
        codes: Sequence[str] | None,
        pending: Pending | None = None,
        rows: Sequence[dict[str, Any]] | None = None,
    ) -> Pending:
        """Item rows only; the touched groups wait in the returned ``Pending``."""

    def refresh(self, conn: sa.Connection, pending: Pending) -> int:
        """Rewrite the terms of the groups ``pending`` touched."""

    def missing(self, conn: sa.Connection) -> list[str]:
        """Catalogue items that have no document."""

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


class SqliteIndex(_Groups):
    """SQLite FTS5 over pre-segmented terms (unicode61 keeps CJK words whole), one row per
    group (rowid = group_id)."""

    WEIGHTS = "bm25(10.0, 6.0, 1.0, 5.0, 4.0, 0.0)"

    def _clear(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql("DELETE FROM search_fts")
        super()._clear(conn)

    def _insert_docs(self, conn: sa.Connection, docs: list[dict[str, Any]]) -> None:
        # executemany straight on the driver: SQLAlchemy's per-row parameter handling cost
        # as much as the insert itself
        columns = DOC_COLUMNS.split(", ")
        conn.exec_driver_sql(
            f"INSERT INTO search_doc ({DOC_COLUMNS}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(d[c] for c in columns) for d in docs],
        )

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
        return [_group_candidate(r.group_id, r, r.body) for r in rows]


class PostgresIndex(_Groups):
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
        sql = sa.text(
            f"SELECT {columns} FROM search_group, to_tsquery('simple', :q) query "
            "WHERE terms @@ query ORDER BY ts_rank(terms, query) DESC LIMIT :n"
        )
        rows = conn.execute(sql, {"q": expr, "n": limit}).all()
        if not rows and broad and q.kind in ("pinyin", "initials") and len(q.latin) >= 4:
            sql = sa.text(
                f"SELECT {columns} FROM search_group WHERE latin % :latin "
                + ("AND province = :province " if province else "")
                + "ORDER BY similarity(latin, :latin) DESC LIMIT :n"
            )
            rows = conn.execute(sql, {"latin": q.latin, "province": province, "n": limit}).all()
        return [_group_candidate(r.group_id, r, r.body) for r in rows]


def index_for(dialect: str) -> SearchIndex:
    """The index implementation for a SQLAlchemy dialect name."""
    if dialect == "sqlite":
        return SqliteIndex()
    if dialect == "postgresql":
        return PostgresIndex()
    raise ValueError(f"search index: unsupported database {dialect!r}; use sqlite or postgresql")
