"""Validation in bulk: records are validated once, a batch at a time, straight from their JSON.

Parsing every record into Python objects and validating each one on its own cost most of a
large load (a million records took about 16 minutes). Here a batch of JSON Lines is handed to
pydantic-core as one JSON array (``TypeAdapter(list[ServiceItem]).validate_json``): parsing
and validation happen in one pass in Rust, with no intermediate dicts. Only when a batch has a
problem are its records read again one by one, through the very code the per-record path uses
(``readers``, ``loader.validation_problems``), so every problem is reported exactly as before,
naming the file, the line, the field and the reason.

Other formats (a JSON document, CSV) go through the per-record readers unchanged: their
records are already Python objects when read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from app.catalogue.readers import Problem, Record, read_records, show
from app.domain.service_item import ServiceItem

BATCH = 1000
ITEMS: TypeAdapter[list[ServiceItem]] = TypeAdapter(list[ServiceItem])

Checked = tuple[Record, ServiceItem | None, list[Problem]]


class _Stop(Exception):
    """A line that is not UTF-8 ends the file (as in ``readers``)."""


ProblemsOf = Callable[[Record, ValidationError], list[Problem]]


def validated(paths: Sequence[Path], problems_of: ProblemsOf) -> Iterator[Checked]:
    """Every record of every file with its item (``None`` when invalid) and its problems, in
    file order. ``problems_of`` turns a record's ``ValidationError`` into problems."""
    for path in paths:
        if path.suffix.lower() in (".jsonl", ".ndjson") and path.is_file() and path.stat().st_size:
            yield from _jsonl(path, problems_of)
        else:
            yield from _one_by_one(read_records(path), problems_of)


def _one_by_one(records: Iterator[Record | Problem], problems_of: ProblemsOf) -> Iterator[Checked]:
    for rec in records:
        if isinstance(rec, Problem):
            yield Record(rec.file, rec.where, {}), None, [rec]
            continue
        try:
            yield rec, ServiceItem.model_validate(rec.data), []
        except ValidationError as exc:
            yield rec, None, problems_of(rec, exc)


def _jsonl(path: Path, problems_of: ProblemsOf) -> Iterator[Checked]:
    name = str(path)
    batch: list[tuple[int, bytes, int]] = []  # (line number, raw line, bytes read so far)
    pos = 0
    count = 0
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                pos += len(raw)
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                count += 1
                batch.append((number, raw, pos))
                if len(batch) >= BATCH:
                    yield from _batch(name, batch, problems_of)
                    batch = []
        if batch:
            yield from _batch(name, batch, problems_of)
    except _Stop:
        return
    if not count:
        yield (
            Record(name, "file", {}),
            None,
            [Problem(name, "file", "-", "-", "the file contains no records")],
        )


def _batch(name: str, lines: list[tuple[int, bytes, int]], problems_of: ProblemsOf) -> Iterator[Checked]:  # fmt: skip
    try:
        items = ITEMS.validate_json(b"[" + b",".join(raw.rstrip() for _, raw, _ in lines) + b"]")
    except ValueError:  # ValidationError is one: a bad record or bad JSON somewhere in the batch
        yield from _batch_slowly(name, lines, problems_of)
        return
    for (number, _, pos), item in zip(lines, items, strict=True):
        # the record's data is what was validated, as JSON: the item itself says it all
        yield Record(name, f"line {number}", {}, pos), item, []


def _batch_slowly(name: str, lines: list[tuple[int, bytes, int]], problems_of: ProblemsOf) -> Iterator[Checked]:  # fmt: skip
    """The records of a batch with a problem, one by one, as ``readers`` reads them."""
    for number, raw, pos in lines:
        where = f"line {number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = raw[exc.start : exc.start + 1].hex()
            problem = Problem(name, where, "-", f"byte 0x{byte}", "file is not valid UTF-8 text")
            yield Record(name, where, {}), None, [problem]
            raise _Stop from None  # the per-record reader stops at the first undecodable line too
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problem = Problem(
                name, where, "-", show(line.strip(), 40), f"not valid JSON ({exc.msg})"
            )
            yield Record(name, where, {}), None, [problem]
            continue
        if not isinstance(data, dict):
            problem = Problem(name, where, "-", show(data), "a record must be a JSON object")
            yield Record(name, where, {}), None, [problem]
            continue
        rec = Record(name, where, data, pos)
        try:
            yield rec, ServiceItem.model_validate(data), []
        except ValidationError as exc:
            yield rec, None, problems_of(rec, exc)
