"""The one transaction of a load: batches upserted as they come, rolled back when any record
had a problem; a large load into an empty catalogue in bulk."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from app.catalogue.bulk import fewer_collections
from app.catalogue.db import indexes_built_after, insert_rows
from app.catalogue.loader.checking import Checker, validated_rows
from app.catalogue.loader.rows import DATA_JSON, ITEM_COLUMNS, ITEMS, SOURCES, THEMES, insert_items
from app.catalogue.loader.sources import Follower, LoadReport, Source
from app.catalogue.progress import Progress

BATCH = 1000


def _write_batch(
    conn: sa.Connection,
    rows: list[dict[str, Any]],
    report: LoadReport,
    follower: Follower | None,
    fresh: bool = False,
) -> None:
    """Write one batch of valid rows. ``fresh``: the catalogue was empty when the load began
    (and every code of the load is new: duplicates were refused), so nothing is looked up."""
    col = ITEMS.c.implementation_code
    existing: dict[str, str] = {}
    if not fresh:
        codes = [r["implementation_code"] for r in rows]
        found = conn.execute(sa.select(col, ITEMS.c.content_hash).where(col.in_(codes)))
        existing = {code: digest for code, digest in found}
    new = [r for r in rows if r["implementation_code"] not in existing]
    changed = [
        r
        for r in rows
        if r["implementation_code"] in existing
        and existing[r["implementation_code"]] != r["content_hash"]
    ]
    report.inserted += len(new)
    report.updated += len(changed)
    report.unchanged += len(rows) - len(new) - len(changed)
    if new:
        insert_items(conn, new)
    if changed:
        text = sa.bindparam(DATA_JSON, type_=sa.Text)
        data = sa.cast(text, ITEMS.c.data.type) if conn.dialect.name == "postgresql" else text
        names = [c for c in ITEM_COLUMNS if c != "data"]
        values = {c: sa.bindparam(c) for c in names}
        stmt = sa.update(ITEMS).where(col == sa.bindparam("_code")).values({**values, "data": data})
        conn.execute(stmt, [{**{k: r[k] for k in (*names, DATA_JSON)}, "_code": r["implementation_code"]}
                            for r in changed])  # fmt: skip
        changed_codes = [r["implementation_code"] for r in changed]
        conn.execute(sa.delete(THEMES).where(THEMES.c.implementation_code.in_(changed_codes)))
    themes = [
        (r["implementation_code"], theme)
        for r in new + changed
        for theme in dict.fromkeys(r["data"]["themes"])
    ]
    if themes:
        insert_rows(conn, THEMES.name, ("implementation_code", "theme"), themes)
    if (new or changed) and follower is not None:
        # the follower (the search index) keeps in step in the same transaction
        follower.written(conn, new + changed, [r["implementation_code"] for r in changed])


class _Rollback(Exception):
    """Raised inside the transaction to undo it when any record had a problem."""


def load_sources(
    sources: Sequence[Source],
    engine: sa.Engine,
    progress: bool = False,
    *,
    follower: Follower | None,
) -> LoadReport:
    """Validate and upsert every source in one transaction; roll back if any record fails.

    Nothing is written unless every record of every source is valid: the report then lists
    every problem found. ``follower`` (no default: say ``None`` for the catalogue alone) is
    kept in step in the same transaction; ``app.ingest`` passes the search index.
    """
    with fewer_collections():
        return _load_sources(sources, engine, progress, follower)


def _load_sources(
    sources: Sequence[Source], engine: sa.Engine, progress: bool, follower: Follower | None
) -> LoadReport:
    started = time.perf_counter()
    paths = [p for source in sources for p in source.paths]
    sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
    base = {str(p): sum(sizes[:i]) for i, p in enumerate(paths)}
    bar = Progress("loading", sum(sizes), enabled=progress)
    checker = Checker()
    report = LoadReport()
    try:
        with engine.begin() as conn, _bulk_session(conn, follower):
            fresh = conn.execute(sa.select(ITEMS.c.implementation_code).limit(1)).first() is None
            # a large load into an empty catalogue builds the tables' indexes once, at the end
            deferred = fresh and sum(sizes) >= BULK_BYTES
            followers = follower.tables if follower is not None else ()
            tables = (ITEMS.name, THEMES.name, *followers) if deferred else ()
            with indexes_built_after(conn, tables):
                for source in sources:
                    first = len(checker.seen)
                    batch: list[dict[str, Any]] = []
                    for record, row, found in validated_rows(
                        source.paths, source.province, follower
                    ):
                        bar.update(base[record.file] + record.offset)
                        writable = checker.accept(record, row, found)
                        if row is None or not writable or checker.problems:
                            continue  # after the first problem only validation goes on
                        batch.append(row)
                        if len(batch) >= BATCH:
                            _write_batch(conn, batch, report, follower, fresh)
                            batch = []
                    if checker.problems:
                        continue
                    if batch:
                        _write_batch(conn, batch, report, follower, fresh)
                    if source.province is not None and source.replace:
                        kept = set(list(checker.seen)[first:])
                        report.removed += _remove_others(conn, source.province.code, kept, follower)
                    if source.province is not None and source.digest:
                        _record_source(conn, source, len(checker.seen) - first)
                if checker.problems:
                    raise _Rollback
            if follower is not None:
                follower.finished(conn)
    except _Rollback:
        report = LoadReport(problems=checker.problems)
    bar.close()
    report.records = checker.count
    report.seconds = time.perf_counter() - started
    return report


BULK_BYTES = 32 * 1024 * 1024  # files this large make a bulk load (about 14,000 items)
SQLITE_LOAD_CACHE_KIB = 256 * 1024


@contextmanager
def _bulk_session(conn: sa.Connection, follower: Follower | None) -> Iterator[None]:
    """Settings of the loading connection while it loads: on SQLite a page cache large enough
    for the indexes a large load updates (the default 2 MB sends every insert of a million
    items to the file system), restored afterwards. On PostgreSQL the values stored out of
    line (the items' JSON) are compressed with lz4 where the server has it (for this
    transaction only), and the planner is told of the rows the load added (``ANALYZE``), so
    that queries right after a large load use the indexes."""
    if conn.dialect.name == "sqlite":
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
        try:
            yield
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
        return
    if conn.dialect.name == "postgresql":
        lz4 = conn.exec_driver_sql(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        ).scalar()
        if lz4:  # the items' JSON compressed by lz4, several times faster than pglz
            conn.exec_driver_sql("SET LOCAL default_toast_compression = 'lz4'")
    yield
    if conn.dialect.name == "postgresql":
        tables = (ITEMS.name, THEMES.name, *(follower.tables if follower is not None else ()))
        conn.exec_driver_sql(f"ANALYZE {', '.join(tables)}")


def _remove_others(
    conn: sa.Connection, province: str, kept: set[str], follower: Follower | None
) -> int:
    """Delete the province's items that its files no longer hold (the follower first)."""
    col = ITEMS.c.implementation_code
    stored = conn.execute(sa.select(col).where(ITEMS.c.province == province)).scalars()
    gone = [code for code in stored if code not in kept]
    if gone:
        if follower is not None:
            follower.removed(conn, gone)
        for start in range(0, len(gone), BATCH):
            chunk = gone[start : start + BATCH]
            conn.execute(sa.delete(THEMES).where(THEMES.c.implementation_code.in_(chunk)))
            conn.execute(sa.delete(ITEMS).where(col.in_(chunk)))
    return len(gone)


def _record_source(conn: sa.Connection, source: Source, items: int) -> None:
    assert source.province is not None
    values = {
        "folder": str(source.province.folder),
        "digest": source.digest,
        "items": items,
        "loaded_at": datetime.now(UTC),
    }
    code = source.province.code
    done = conn.execute(
        sa.update(SOURCES).where(SOURCES.c.province == code).values(**values)
    ).rowcount
    if not done:
        conn.execute(sa.insert(SOURCES).values(province=code, **values))
