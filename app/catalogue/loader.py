"""All-or-nothing loader: validate every record of every file, then upsert in one transaction.

Pass 1 validates everything and keeps only the implementation codes (to find duplicates),
so memory stays flat for millions of records; pass 2 re-reads and writes in batches.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from app.catalogue.progress import Progress
from app.catalogue.provinces import province_of_area
from app.catalogue.readers import Problem, Record, read_records, show
from app.catalogue.tables import CatalogueItem, CatalogueItemTheme
from app.domain.service_item import ServiceItem

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
    for path in paths:
        for rec in read_records(path):
            if isinstance(rec, Problem):
                yield Record(rec.file, rec.where, {}), None, [rec]
                continue
            try:
                yield rec, ServiceItem.model_validate(rec.data), []
            except ValidationError as exc:
                yield rec, None, validation_problems(rec, exc)


def check_files(paths: Sequence[Path], progress: bool = False) -> tuple[list[Problem], int]:
    """Validate every record of every file; return all problems and the record count."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    count = 0
    bar = Progress("checking", None, enabled=progress)
    for record, item, found in _validated(paths):
        problems.extend(found)
        if item is None:
            continue
        count += 1
        bar.advance()
        code = item.implementation_code
        here = f"{record.file}: {record.where}"
        if code in seen:
            problems.append(
                Problem(
                    record.file,
                    record.where,
                    "implementation_code",
                    show(code),
                    f"duplicate implementation code, first seen at {seen[code]}",
                )
            )
        else:
            seen[code] = here
    bar.close()
    return problems, count


def row_of(item: ServiceItem) -> dict[str, Any]:
    """The table row for a validated item."""
    data = item.model_dump(mode="json")
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
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
        "content_hash": hashlib.sha1(canonical.encode()).hexdigest(),
        "data": data,
    }


def _write_batch(conn: sa.Connection, rows: list[dict[str, Any]], report: LoadReport) -> None:
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
        conn.execute(sa.insert(ITEMS), new)
    if changed:
        stmt = sa.update(ITEMS).where(col == sa.bindparam("_code"))
        conn.execute(stmt, [{**r, "_code": r["implementation_code"]} for r in changed])
        changed_codes = [r["implementation_code"] for r in changed]
        conn.execute(sa.delete(THEMES).where(THEMES.c.implementation_code.in_(changed_codes)))
    themes = [
        {"implementation_code": r["implementation_code"], "theme": theme}
        for r in new + changed
        for theme in dict.fromkeys(r["data"]["themes"])
    ]
    if themes:
        conn.execute(sa.insert(THEMES), themes)


def load_files(paths: Sequence[Path], engine: sa.Engine, progress: bool = False) -> LoadReport:
    """Validate all files; if all records are valid, upsert them in one transaction."""
    started = time.perf_counter()
    problems, count = check_files(paths, progress=progress)
    report = LoadReport(problems=problems, records=count)
    if problems:
        report.seconds = time.perf_counter() - started
        return report
    bar = Progress("loading", count, enabled=progress)
    with engine.begin() as conn:
        batch: list[dict[str, Any]] = []
        for record, item, _ in _validated(paths):
            if item is None:  # the file changed between the passes: roll back
                raise RuntimeError(f"{record.file}: {record.where} changed during the load")
            batch.append(row_of(item))
            if len(batch) >= BATCH:
                _write_batch(conn, batch, report)
                bar.advance(len(batch))
                batch = []
        if batch:
            _write_batch(conn, batch, report)
            bar.advance(len(batch))
    bar.close()
    report.seconds = time.perf_counter() - started
    return report
