"""All-or-nothing loader: every record of every file is validated and upserted inside one
transaction; if any record has a problem the transaction is rolled back, so nothing is
written, and the report lists every problem found.

One streaming pass keeps only the implementation codes seen (to find duplicates), so memory
stays flat for millions of records; valid rows are written in batches as they come.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import ValidationError

from app.catalogue.progress import Progress
from app.catalogue.provinces import province_of_area
from app.catalogue.readers import Problem, Record, show
from app.catalogue.tables import CatalogueItem, CatalogueItemTheme
from app.domain.service_item import ServiceItem

if TYPE_CHECKING:
    from app.search.index import Pending

BATCH = 1000
ITEMS = CatalogueItem.__table__  # type: ignore[attr-defined]
THEMES = CatalogueItemTheme.__table__  # type: ignore[attr-defined]


@dataclass
class LoadReport:
    """What a load did: problems (then nothing was written) or counts."""

    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        rate = self.records / self.seconds if self.seconds else 0.0
        return (
            f"{self.records} records: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged in {self.seconds:.2f} s ({rate:,.0f} records/s)"
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
        problems.append(Problem(record.file, record.where, path or "-", value, reason))
    return problems


def _validated(paths: Sequence[Path]) -> Iterator[tuple[Record, ServiceItem | None, list[Problem]]]:
    """Every record validated once: JSON Lines in bulk, a batch at a time (app.catalogue.bulk)."""
    from app.catalogue.bulk import validated

    return validated(paths, validation_problems)


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


def check_files(paths: Sequence[Path]) -> tuple[list[Problem], int]:
    """Validate every record of every file without writing; return problems and count."""
    checker = _Checker()
    for record, item, found in _validated(paths):
        checker.accept(record, item, found)
    return checker.problems, checker.count


def row_of(item: ServiceItem) -> dict[str, Any]:
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
        "province": province_of_area(item.area_code) or item.area_code[:2],
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
    conn: sa.Connection, rows: list[dict[str, Any]], report: LoadReport, index: Pending
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
    if new or changed:
        # the search index follows the catalogue in the same transaction (items now, the
        # terms of their services once after the last batch: see load_files)
        from app.search.service import sync_items

        sync_items(conn, new + changed, index)


class _Rollback(Exception):
    """Raised inside the transaction to undo it when any record had a problem."""


def load_files(paths: Sequence[Path], engine: sa.Engine, progress: bool = False) -> LoadReport:
    """Validate and upsert all files in one transaction; roll back if any record fails."""
    started = time.perf_counter()
    sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
    base = {str(p): sum(sizes[:i]) for i, p in enumerate(paths)}
    bar = Progress("loading", sum(sizes), enabled=progress)
    checker = _Checker()
    report = LoadReport()
    try:
        from app.search.index import Pending
        from app.search.service import refresh, sync_missing

        with engine.begin() as conn:
            index = Pending()
            batch: list[dict[str, Any]] = []
            for record, item, found in _validated(paths):
                bar.update(base[record.file] + record.offset)
                writable = checker.accept(record, item, found)
                if item is None or not writable or checker.problems:
                    continue  # after the first problem only validation goes on
                batch.append(row_of(item))
                if len(batch) >= BATCH:
                    _write_batch(conn, batch, report, index)
                    batch = []
            if checker.problems:
                raise _Rollback
            if batch:
                _write_batch(conn, batch, report, index)
            refresh(conn, index)
            sync_missing(conn)  # items loaded before the index existed
    except _Rollback:
        report = LoadReport(problems=checker.problems)
    bar.close()
    report.records = checker.count
    report.seconds = time.perf_counter() - started
    return report
