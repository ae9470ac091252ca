"""All-or-nothing loader: every record of every file is validated and upserted inside one
transaction; if any record has a problem the transaction is rolled back, so nothing is
written, and the report lists every problem found.

One streaming pass keeps only the implementation codes seen (to find duplicates), so memory
stays flat for millions of records; valid rows are written in batches as they come.

What follows the catalogue in the same transaction (the search index) is passed in as a
:class:`Follower`: this package knows nothing of it (``app.ingest`` joins the two).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from pydantic import ValidationError

from app.catalogue.db import indexes_built_after
from app.catalogue.progress import Progress
from app.catalogue.provinces import Province, province_of_area
from app.catalogue.readers import Problem, Record, show
from app.catalogue.tables import CatalogueItem, CatalogueItemTheme, CatalogueSource
from app.domain.service_item import ServiceItem
from themes.divisions import area_problem
from themes.loader import unknown_key_message

BATCH = 1000
ITEMS = CatalogueItem.__table__  # type: ignore[attr-defined]
THEMES = CatalogueItemTheme.__table__  # type: ignore[attr-defined]
SOURCES = CatalogueSource.__table__  # type: ignore[attr-defined]


class Follower(Protocol):
    """What keeps itself in step with the catalogue inside a load's transaction: told of the
    rows each batch wrote, of the items removed (before their rows go), and of the end."""

    # What the follower makes of each valid row, made where the item is validated (in worker
    # processes for a large file, so a module-level function: it is sent by name), or None.
    # The rows it is then told of hold what it added, and only the themes of their ``data``.
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None
    # The tables the follower writes: a large load into an empty catalogue builds their
    # secondary indexes after the last batch, as it does the catalogue's, and on PostgreSQL
    # analyses them after the load.
    tables: tuple[str, ...]

    def written(self, conn: sa.Connection, rows: list[dict[str, Any]], replaced: list[str]) -> None:
        """``rows`` were inserted or updated; ``replaced``: the codes among them that existed."""
        ...

    def removed(self, conn: sa.Connection, codes: list[str]) -> None: ...

    def finished(self, conn: sa.Connection) -> None:
        """Every source is written (still inside the transaction)."""
        ...


@dataclass(frozen=True)
class Source:
    """Catalogue files to load. With a province (its folder's files), every record must be an
    area of that province, and ``replace`` drops the province's items the files no longer hold;
    ``digest`` is then recorded as what was loaded (see ``app.ingest.sync``)."""

    paths: tuple[Path, ...]
    province: Province | None = None
    replace: bool = False
    digest: str = ""


@dataclass
class LoadReport:
    """What a load did: problems (then nothing was written) or counts."""

    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        rate = self.records / self.seconds if self.seconds else 0.0
        return (
            f"{self.records} records: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged"
            + (f", {self.removed} removed" if self.removed else "")
            + f" in {self.seconds:.2f} s ({rate:,.1f} records/s)"
        )


def validation_problems(record: Record, exc: ValidationError) -> list[Problem]:
    """One problem per pydantic error, with a dotted field path and the offending value."""
    problems = []
    for error in exc.errors(include_url=False):
        path = ""
        for part in error["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
        value = "(missing)" if error["type"] == "missing" else show(error.get("input"))
        reason = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            reason = unknown_key_message(ServiceItem, tuple(error["loc"]))
        problems.append(Problem(record.file, record.where, path or "-", value, reason))
    return problems


def _validated(
    paths: Sequence[Path], province: Province | None = None, follower: Follower | None = None
) -> Iterator[tuple[Record, dict[str, Any] | None, list[Problem]]]:
    """Every record validated once (JSON Lines in bulk, a batch at a time, in worker
    processes for a large file: app.catalogue.bulk) and made into its table row (``row_of``)
    with what the follower prepares of it, then its area checked against the province."""
    from app.catalogue.bulk import validated

    code = province.code if province else None
    provinces: dict[str, str] = {}  # area code -> province code (a registry look-up each)
    convert = partial(prepared_row, prepare=follower.prepare if follower is not None else None)
    for rec, row, found in validated(paths, validation_problems, convert=convert):
        if row is None:
            yield rec, None, found
            continue
        area = row["area_code"]
        why = area_problem(area, province.prefix) if province else None
        if why and province is not None:
            reason = f"{why} ({province.code}: {province.name})"
            problem = Problem(rec.file, rec.where, "area_code", show(area), reason)
            yield rec, None, [problem]
            continue
        if code is not None:
            row["province"] = code
        else:
            known = provinces.get(area)
            if known is None:
                known = provinces[area] = province_of_area(area) or area[:2]
            row["province"] = known
        yield rec, row, found


class _Checker:
    """Collects problems and finds duplicate implementation codes across all files."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.seen: dict[str, str] = {}
        self.count = 0

    def accept(self, record: Record, row: dict[str, Any] | None, found: list[Problem]) -> bool:
        """Record the problems of one record (``row``: its table row when valid); return
        whether it may be written."""
        self.problems.extend(found)
        if row is None:
            return False
        self.count += 1
        code = row["implementation_code"]
        if code in self.seen:
            reason = f"duplicate implementation code, first seen at {self.seen[code]}"
            self.problems.append(
                Problem(record.file, record.where, "implementation_code", show(code), reason)
            )
            return False
        self.seen[code] = f"{record.file}: {record.where}"
        return True


def check_files(
    paths: Sequence[Path], province: Province | None = None
) -> tuple[list[Problem], int]:
    """Validate every record of every file without writing; return problems and count."""
    checker = _Checker()
    for record, row, found in _validated(paths, province):
        checker.accept(record, row, found)
    return checker.problems, checker.count


def row_of(item: ServiceItem, province: str | None = None) -> dict[str, Any]:
    """The table row for a validated item. ``data`` holds only what the search index and the
    themes table read (``guide_of``); the column is written from the item's JSON, made once
    for the hash (``DATA_JSON``)."""
    row = item_row(item)
    row["province"] = province or province_of_area(item.area_code) or item.area_code[:2]
    return row


def prepared_row(
    item: ServiceItem, prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``item_row`` with what the follower makes of it (``Follower.prepare``: the search
    index analyses the item's text), both made where the item is validated."""
    row = item_row(item)
    if prepare is None:
        return row
    row = prepare(row)
    # once prepared, the loader reads only the themes of the guide (and the row is sent
    # between processes: the rest would be copied for nothing)
    row["data"] = {"themes": row["data"]["themes"]}
    return row


_TO_JSON = ServiceItem.__pydantic_serializer__.to_json


def item_row(item: ServiceItem) -> dict[str, Any]:
    """``row_of`` but the province (a registry look-up, made by the loading process: a
    worker process that validates may not see the registry the loader sees)."""
    # model_dump_json's bytes, without its keyword handling: fields in model order, stable
    # for equal items
    canonical = _TO_JSON(item)
    return {
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "name": item.name,
        "item_type": str(item.item_type),
        "audience": str(item.audience),
        "province": "",
        "area_code": item.area_code,
        "level": str(item.level),
        "department": item.department,
        "department_code": item.department_code,
        "popularity": item.popularity,
        "online": item.online,
        "visits": item.visits,
        "appointment": item.appointment,
        "express_delivery": item.express_delivery,
        "content_hash": hashlib.sha1(canonical, usedforsecurity=False).hexdigest(),
        "data": guide_of(item),
        DATA_JSON: canonical.decode(),  # what is stored: the JSON already made for the hash
    }


def guide_of(item: ServiceItem) -> dict[str, Any]:
    """The parts of an item's data the search index and the themes table read, as in its
    JSON (``app.search.documents.body_text``), without serialising the whole item again."""
    return {
        "themes": item.themes,
        "keywords": item.keywords,
        "department": item.department,
        "acceptance_conditions": item.acceptance_conditions,
        "materials": [{"name": m.name} for m in item.materials],
        "steps": [{"name": s.name} for s in item.steps],
        "item_type": str(item.item_type),
    }


DATA_JSON = "_data_json"


ITEM_COLUMNS = tuple(c.name for c in ITEMS.columns)
# a row's values in column order, its data column as the JSON text
_ITEM_VALUES = itemgetter(*(DATA_JSON if c == "data" else c for c in ITEM_COLUMNS))


def _insert_items(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows with their data column as the JSON text ``row_of`` made (serialising the
    dict again cost as much as validating it), in bulk (``db.insert_rows``: COPY on
    PostgreSQL)."""
    from app.catalogue.db import insert_rows

    insert_rows(conn, ITEMS.name, ITEM_COLUMNS, [_ITEM_VALUES(r) for r in rows])


def _write_batch(
    conn: sa.Connection,
    rows: list[dict[str, Any]],
    report: LoadReport,
    follower: Follower | None,
    fresh: bool = False,
) -> None:
    """Write one batch of valid rows. ``fresh``: the catalogue was empty when the load began
    (and every code of the load is new: duplicates were refused), so nothing is looked up."""
    from app.catalogue.db import insert_rows

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
        _insert_items(conn, new)
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
    from app.catalogue.bulk import fewer_collections

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
    checker = _Checker()
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
                    for record, row, found in _validated(source.paths, source.province, follower):
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
