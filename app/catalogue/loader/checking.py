"""Every record validated once and checked across all files (duplicate implementation
codes, areas of another province): problems with file, line and field."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.catalogue.bulk import validated
from app.catalogue.loader.rows import prepared_row
from app.catalogue.loader.sources import Follower
from app.catalogue.provinces import Province, province_of_area
from app.catalogue.readers import Problem, Record, show
from app.domain.service_item import ServiceItem
from themes.divisions import area_problem
from themes.loader import unknown_key_message


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


def validated_rows(
    paths: Sequence[Path], province: Province | None = None, follower: Follower | None = None
) -> Iterator[tuple[Record, dict[str, Any] | None, list[Problem]]]:
    """Every record validated once (JSON Lines in bulk, a batch at a time, in worker
    processes for a large file: app.catalogue.bulk) and made into its table row (``row_of``)
    with what the follower prepares of it, then its area checked against the province."""
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


class Checker:
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
    checker = Checker()
    for record, row, found in validated_rows(paths, province):
        checker.accept(record, row, found)
    return checker.problems, checker.count
