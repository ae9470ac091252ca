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

A large JSON Lines file is validated by worker processes, one batch each at a time, while the
caller writes what the workers have already checked (a million records take minutes of CPU to
validate: on a machine with two cores, two workers halve that). The results come back in file
order, and with ``convert`` each valid item is turned into what the caller stores (the loader's
table row) in the worker too, so only plain data crosses between processes. Set
``YW_LOAD_WORKERS`` to choose how many (``0``: validate in this process).

A batch makes tens of thousands of short-lived objects (the items and their parts), each freed
as soon as it is done with; Python's cyclic garbage collector, run every 700 allocations by
default, then spent a third of a worker's time walking them and the dictionaries jieba and
pypinyin keep. ``fewer_collections`` runs it a hundred times less often while a load runs (the
workers for their whole life): nothing a batch makes needs it to be freed.
"""

from __future__ import annotations

import gc
import json
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.catalogue.readers import Problem, Record, read_records, show
from app.domain.service_item import ServiceItem

BATCH = 1000
ITEMS: TypeAdapter[list[ServiceItem]] = TypeAdapter(list[ServiceItem])
WORKERS_ENV = "YW_LOAD_WORKERS"
PARALLEL_BYTES = 32 * 1024 * 1024  # smaller files: starting workers costs more than it saves

Checked = tuple[Record, Any, list[Problem]]  # the item (or what ``convert`` made of it)
Convert = Callable[[ServiceItem], Any]


# the collector's thresholds while loading: the first generation is collected after 100,000
# allocations instead of 700 (the older ones after 50 and 100 of those)
LOAD_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often inside the block (``LOAD_THRESHOLDS``),
    and as before after it."""
    before = gc.get_threshold()
    gc.set_threshold(*LOAD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _start_worker() -> None:
    """A worker process validates batches for all its life: fewer collections throughout."""
    gc.set_threshold(*LOAD_THRESHOLDS)


class _Stop(Exception):
    """A line that is not UTF-8 ends the file (as in ``readers``)."""


ProblemsOf = Callable[[Record, ValidationError], list[Problem]]


def validated(
    paths: Sequence[Path],
    problems_of: ProblemsOf,
    convert: Convert | None = None,
    workers: int | None = None,
) -> Iterator[Checked]:
    """Every record of every file with its item (``None`` when invalid) and its problems, in
    file order. ``problems_of`` turns a record's ``ValidationError`` into problems;
    ``convert`` (a module-level function: workers receive it by name) turns each valid item
    into what is yielded instead. ``workers``: processes for a large JSON Lines file
    (default: ``YW_LOAD_WORKERS``, else one per CPU; ``0``: none)."""
    for path in paths:
        if path.suffix.lower() in (".jsonl", ".ndjson") and path.is_file() and path.stat().st_size:
            n = worker_count(workers, path.stat().st_size)
            name = str(path)
            if n:
                checked = _in_workers(name, _spans(path), problems_of, convert, n)
            else:
                checked = (check_span(name, *span, problems_of, convert) for span in _spans(path))
            yield from _jsonl(name, checked)
        else:
            yield from _converted(_one_by_one(read_records(path), problems_of), convert)


def worker_count(workers: int | None, size: int) -> int:
    """Worker processes for a JSON Lines file of ``size`` bytes (0: validate in-process)."""
    if workers is None:
        if size < PARALLEL_BYTES:
            return 0
        configured = os.environ.get(WORKERS_ENV, "").strip()
        if configured:
            try:
                workers = int(configured)
            except ValueError:
                raise ValueError(
                    f"{WORKERS_ENV}: expected a number of processes, got {configured!r}"
                ) from None
        else:
            workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)  # fmt: skip
    return max(0, workers)


def _converted(checked: Iterator[Checked], convert: Convert | None) -> Iterator[Checked]:
    if convert is None:
        yield from checked
        return
    for rec, item, found in checked:
        yield rec, (convert(item) if item is not None else None), found


def _one_by_one(records: Iterator[Record | Problem], problems_of: ProblemsOf) -> Iterator[Checked]:
    for rec in records:
        if isinstance(rec, Problem):
            yield Record(rec.file, rec.where, {}), None, [rec]
            continue
        try:
            yield rec, ServiceItem.model_validate(rec.data), []
        except ValidationError as exc:
            yield rec, None, problems_of(rec, exc)


Lines = list[tuple[int, bytes, int]]  # (line number, raw line, bytes read so far)


def _jsonl(name: str, batches: Generator[tuple[list[Checked], bool]]) -> Iterator[Checked]:
    """The records of a JSON Lines file from its checked batches (``check_span``, in this
    process or in workers), up to a line that is not UTF-8; a file without a record is a
    problem. The batches are closed when it ends (the workers stop then)."""
    count = 0
    try:
        for checked, stop in batches:
            count += len(checked)
            yield from checked
            if stop:
                return
    finally:
        batches.close()
    if not count:
        yield _no_records(name)


def _no_records(name: str) -> Checked:
    return (
        Record(name, "file", {}),
        None,
        [Problem(name, "file", "-", "-", "the file contains no records")],
    )


def _spans(path: Path) -> Generator[tuple[int, int, int]]:
    """Where the file's batches are: (start, end, number of the first line) of each run of
    ``BATCH`` lines, found without reading a line into Python (the workers read them)."""
    start, number = 0, 1
    with path.open("rb") as fh:
        while True:
            fh.seek(start)
            block = fh.read(BATCH * 4096)
            if not block:
                return
            end, lines = 0, 0
            while lines < BATCH:
                nl = block.find(b"\n", end)
                if nl < 0:
                    more = fh.read(BATCH * 4096)  # lines longer than the block holds
                    if not more:
                        end = len(block)
                        break
                    block += more
                    continue
                end, lines = nl + 1, lines + 1
            yield start, start + end, number
            start, number = start + end, number + block.count(b"\n", 0, end)


def _lines_of(data: bytes, number: int, pos: int) -> Lines:
    """The non-blank lines of ``data`` (a span of a file from line ``number`` at byte
    ``pos``), numbered and with the bytes read up to each, as iterating over the open file
    gives them (each with its newline: the reason JSON gives for a broken line depends on
    it); a UTF-8 byte-order mark before the first line is dropped. Each line is one slice of
    ``data``, and nothing else is copied (a batch is megabytes)."""
    lines: Lines = []
    start, size = 0, len(data)
    while start < size:
        nl = data.find(b"\n", start)
        end = size if nl < 0 else nl + 1
        raw = data[start:end]
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if raw and not raw.isspace():  # what ``raw.strip()`` keeps, without making a copy
            lines.append((number, raw, pos + end))
        number, start = number + 1, end
    return lines


def check_span(
    name: str, start: int, end: int, number: int, problems_of: ProblemsOf, convert: Convert | None
) -> tuple[list[Checked], bool]:
    """One batch, as a worker process (or this one) checks it: it reads its span of the file
    itself, and gives back the records (converted) and whether a line that is not UTF-8
    ended the file there."""
    with open(name, "rb") as fh:
        fh.seek(start)
        lines = _lines_of(fh.read(end - start), number, start)
    out: list[Checked] = []
    try:
        out.extend(_converted(_batch(name, lines, problems_of), convert))
    except _Stop:
        return out, True
    return out, False


def _in_workers(
    name: str,
    spans: Generator[tuple[int, int, int]],
    problems_of: ProblemsOf,
    convert: Convert | None,
    workers: int,
) -> Generator[tuple[list[Checked], bool]]:
    """``check_span`` of every span, run by ``workers`` processes a few batches ahead of the
    caller, the results in file order. This process only finds where each batch is
    (``_spans``); the worker reads its lines."""
    import multiprocessing

    # spawned, not forked: a fresh interpreter shares no lock, thread or connection with the
    # loader, and its CPU time counts as the loader's children's
    context = multiprocessing.get_context("spawn")
    ahead = 2 * workers + 1
    pending: deque[Future[tuple[list[Checked], bool]]] = deque()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker)
    try:
        for start, end, number in spans:
            pending.append(pool.submit(check_span, name, start, end, number, problems_of, convert))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        spans.close()
        pool.shutdown(wait=True, cancel_futures=True)


def _batch(name: str, lines: Lines, problems_of: ProblemsOf) -> Iterator[Checked]:  # fmt: skip
    try:
        # each line as read, newline and all: whitespace between JSON values is JSON
        items = ITEMS.validate_json(b"[" + b",".join(raw for _, raw, _ in lines) + b"]")
    except ValueError:  # ValidationError is one: a bad record or bad JSON somewhere in the batch
        yield from _batch_slowly(name, lines, problems_of)
        return
    for (number, _, pos), item in zip(lines, items, strict=True):
        # the record's data is what was validated, as JSON: the item itself says it all
        yield Record(name, f"line {number}", {}, pos), item, []


def _batch_slowly(name: str, lines: Lines, problems_of: ProblemsOf) -> Iterator[Checked]:  # fmt: skip
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
        if not line.strip():  # blank as text, as the per-record reader reads it (U+3000, U+00A0)
            continue
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
