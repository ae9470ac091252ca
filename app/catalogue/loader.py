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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from pydantic import ValidationError

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
    paths: Sequence[Path], province: Province | None = None
) -> Iterator[tuple[Record, ServiceItem | None, list[Problem]]]:
    """Every record validated once (JSON Lines in bulk, a batch at a time: app.catalogue.bulk),
    then its area checked against the province."""
    from app.catalogue.bulk import validated

    for rec, item, found in validated(paths, validation_problems):
        why = area_problem(item.area_code, province.prefix) if item and province else None
        if why and province is not None and item is not None:
            reason = f"{why} ({province.code}: {province.name})"
            problem = Problem(rec.file, rec.where, "area_code", show(item.area_code), reason)
            yield rec, None, [problem]
            continue
        yield rec, item, found


class _Checker:
    """Collects problems and finds duplicate implementation codes across all files."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.seen: dict[str, str] = {}
        self.count = 0

    def accept(self, record: Record, item: ServiceItem | None, found: list[Problem]) -> bool:
        """Record the problems of one record; return whether it may be written."""
        self.problems.extend(found)
        if item is None:
            return False
        self.count += 1
        code = item.implementation_code
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
    for record, item, found in _validated(paths, province):
        checker.accept(record, item, found)
    return checker.problems, checker.count


def row_of(item: ServiceItem, province: str | None = None) -> dict[str, Any]:
    """The table row for a validated item. ``data`` holds only what the search index and the
    themes table read (``guide_of``); the column is written from the item's JSON, made once
    for the hash (``DATA_JSON``)."""
    canonical = item.model_dump_json()  # fields in model order: stable for equal items
    return {
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "name": item.name,
        "item_type": str(item.item_type),
        "audience": str(item.audience),
        "province": province or province_of_area(item.area_code) or item.area_code[:2],
        "area_code": item.area_code,
        "level": str(item.level),
        "department": item.department,
        "department_code": item.department_code,
        "popularity": item.popularity,
        "online": item.online,
        "visits": item.visits,
        "appointment": item.appointment,
        "express_delivery": item.express_delivery,
        "content_hash": hashlib.sha1(canonical.encode(), usedforsecurity=False).hexdigest(),
        "data": guide_of(item),
        DATA_JSON: canonical,  # what is stored: the JSON already made for the hash
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


def _insert_items(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows with their data column as the JSON text ``row_of`` made (serialising the
    dict again cost as much as validating it)."""
    text = sa.bindparam(DATA_JSON, type_=sa.Text)
    data = sa.cast(text, ITEMS.c.data.type) if conn.dialect.name == "postgresql" else text
    columns = {c.name: sa.bindparam(c.name) for c in ITEMS.columns if c.name in rows[0] and c.name != "data"}  # fmt: skip
    stmt = sa.insert(ITEMS).values({**columns, "data": data})
    conn.execute(stmt, [{k: v for k, v in r.items() if k != "data"} for r in rows])


def _write_batch(
    conn: sa.Connection, rows: list[dict[str, Any]], report: LoadReport, follower: Follower | None
) -> None:
    codes = [r["implementation_code"] for r in rows]
    col = ITEMS.c.implementation_code
    existing = dict(conn.execute(sa.select(col, ITEMS.c.content_hash).where(col.in_(codes))).all())
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
        values = {c: sa.bindparam(c) for c in changed[0] if c not in ("data", DATA_JSON)}
        stmt = sa.update(ITEMS).where(col == sa.bindparam("_code")).values({**values, "data": data})
        conn.execute(stmt, [{**{k: v for k, v in r.items() if k != "data"}, "_code": r["implementation_code"]}
                            for r in changed])  # fmt: skip
        changed_codes = [r["implementation_code"] for r in changed]
        conn.execute(sa.delete(THEMES).where(THEMES.c.implementation_code.in_(changed_codes)))
    themes = [
        {"implementation_code": r["implementation_code"], "theme": theme}
        for r in new + changed
        for theme in dict.fromkeys(r["data"]["themes"])
    ]
    if themes:
        conn.execute(sa.insert(THEMES), themes)
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
    started = time.perf_counter()
    paths = [p for source in sources for p in source.paths]
    sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
    base = {str(p): sum(sizes[:i]) for i, p in enumerate(paths)}
    bar = Progress("loading", sum(sizes), enabled=progress)
    checker = _Checker()
    report = LoadReport()
    try:
        with engine.begin() as conn:
            for source in sources:
                code = source.province.code if source.province else None
                first = len(checker.seen)
                batch: list[dict[str, Any]] = []
                for record, item, found in _validated(source.paths, source.province):
                    bar.update(base[record.file] + record.offset)
                    writable = checker.accept(record, item, found)
                    if item is None or not writable or checker.problems:
                        continue  # after the first problem only validation goes on
                    batch.append(row_of(item, code))
                    if len(batch) >= BATCH:
                        _write_batch(conn, batch, report, follower)
                        batch = []
                if checker.problems:
                    continue
                if batch:
                    _write_batch(conn, batch, report, follower)
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
