"""Validation in bulk gives what record-by-record validation gives: the same items, and in a
batch with bad records the same problems (file, line, field, reason) and nothing else."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from app.catalogue import bulk
from app.catalogue.generator import synthetic_items
from app.catalogue.loader import validation_problems
from app.catalogue.readers import read_records


def _lines(n: int) -> list[str]:
    return [json.dumps(item, ensure_ascii=False) for item in synthetic_items(n, 5)]


def _by_record(path: Path) -> list:
    return list(bulk._one_by_one(read_records(path), validation_problems))


def test_bulk_items_equal_record_by_record_items(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(_lines(bulk.BATCH + 300)) + "\n", encoding="utf-8")
    fast = list(bulk.validated([path], validation_problems))
    slow = _by_record(path)
    assert len(fast) == len(slow) == bulk.BATCH + 300
    assert [(r.where, i) for r, i, _ in fast] == [(r.where, i) for r, i, _ in slow]
    assert all(not p for _, _, p in fast)


def test_bad_records_in_a_batch_are_reported_as_one_by_one(tmp_path: Path) -> None:
    lines = _lines(bulk.BATCH + 300)
    bad = json.loads(lines[1200])
    bad["visits"] = -4
    bad["name"] = ""
    lines[1200] = json.dumps(bad, ensure_ascii=False)
    lines[1250] = lines[1250][:40]  # a truncated line
    lines[7] = "[1, 2]"
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    fast = [p for _, _, found in bulk.validated([path], validation_problems) for p in found]
    slow = [p for _, _, found in _by_record(path) for p in found]
    assert fast == slow
    assert {p.where for p in fast} == {"line 8", "line 1201", "line 1251"}
    assert {p.field for p in fast if p.where == "line 1201"} == {"name", "visits"}


def test_a_line_that_is_not_utf8_ends_the_file_as_before(tmp_path: Path) -> None:
    lines = [line.encode() for line in _lines(5)]
    lines[2] = lines[2][:10] + b"\xff" + lines[2][10:]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    fast = [(r.where, i is not None, found) for r, i, found in bulk.validated([path], validation_problems)]  # fmt: skip
    slow = [(r.where, i is not None, found) for r, i, found in _by_record(path)]
    assert [f[2] for f in fast if f[2]] == [f[2] for f in slow if f[2]]
    assert "not valid UTF-8" in next(f for f in fast if f[2])[2][0].reason
    assert sum(ok for _, ok, _ in fast) == sum(ok for _, ok, _ in slow) == 2


def test_lines_blank_as_text_and_odd_line_ends_are_read_as_one_by_one(tmp_path: Path) -> None:
    """A line of Unicode spaces is blank to the per-record reader (it reads text), and bytes
    do not know it; records that end in CRLF, spaces or a form feed; a last line without a
    newline. In a batch of good records, in-process and in workers, it all reads alike."""
    lines = _lines(bulk.BATCH + 20)
    lines[3] = "\u3000\u3000"
    lines[5] = "\u00a0 "
    lines[9] += "\r"
    lines[10] += "   \t"
    lines[11] += "\f"  # not JSON whitespace: a problem for both
    lines[1010] = "{broken"
    path = tmp_path / "items.jsonl"
    path.write_bytes(("\n".join(lines)).encode())
    slow = [(r.where, i, found) for r, i, found in _by_record(path)]
    for workers in (0, 2):
        fast = list(bulk.validated([path], validation_problems, workers=workers))
        assert [(r.where, i, found) for r, i, found in fast] == slow, workers
    assert len(slow) == bulk.BATCH + 18
    assert {where for where, item, _ in slow if item is None} == {"line 12", "line 1011"}
    only_spaces = tmp_path / "spaces.jsonl"
    only_spaces.write_text("\u3000\n \n\u00a0\n", encoding="utf-8")
    assert [found for _, _, found in bulk.validated([only_spaces], validation_problems)] == [
        found for _, _, found in _by_record(only_spaces)
    ]


def _checked(path: Path, workers: int) -> list:
    from app.catalogue.loader import item_row

    return list(bulk.validated([path], validation_problems, convert=item_row, workers=workers))


def test_worker_processes_give_what_one_process_gives(tmp_path: Path) -> None:
    lines = _lines(3 * bulk.BATCH + 10)
    bad = json.loads(lines[2100])
    bad["visits"] = -4
    lines[2100] = json.dumps(bad, ensure_ascii=False)
    lines[40] = "{not json"
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    here, there = _checked(path, 0), _checked(path, 2)
    assert len(there) == 3 * bulk.BATCH + 10
    assert [(r.where, r.offset, row, found) for r, row, found in there] == [
        (r.where, r.offset, row, found) for r, row, found in here
    ]
    assert {r.where for r, row, _ in there if row is None} == {"line 41", "line 2101"}
    assert there[0][1]["implementation_code"] == json.loads(lines[0])["implementation_code"]


def test_worker_processes_stop_at_a_line_that_is_not_utf8(tmp_path: Path) -> None:
    lines = [line.encode() for line in _lines(2 * bulk.BATCH + 5)]
    lines[1500] = lines[1500][:10] + b"\xff" + lines[1500][10:]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    here, there = _checked(path, 0), _checked(path, 2)
    assert [(r.where, row is None, found) for r, row, found in there] == [
        (r.where, row is None, found) for r, row, found in here
    ]
    assert len(there) == 1501 and "not valid UTF-8" in there[-1][2][0].reason


def test_large_files_go_to_one_worker_per_cpu_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(bulk.WORKERS_ENV, raising=False)
    assert bulk.worker_count(None, bulk.PARALLEL_BYTES - 1) == 0
    assert bulk.worker_count(None, bulk.PARALLEL_BYTES) >= 1
    monkeypatch.setenv(bulk.WORKERS_ENV, "0")
    assert bulk.worker_count(None, bulk.PARALLEL_BYTES) == 0
    monkeypatch.setenv(bulk.WORKERS_ENV, "many")
    with pytest.raises(
        ValueError, match="YW_LOAD_WORKERS: expected a number of processes, got 'many'"
    ):
        bulk.worker_count(None, bulk.PARALLEL_BYTES)


def _collector_thresholds(item: object) -> tuple[int, int, int]:
    """A ``convert`` that tells what the process converting the item runs the collector at."""
    return gc.get_threshold()


def test_loads_run_the_garbage_collector_less_often_and_then_as_before() -> None:
    before = gc.get_threshold()
    with bulk.fewer_collections():
        assert gc.get_threshold() == bulk.LOAD_THRESHOLDS != before
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), bulk.fewer_collections():
        raise RuntimeError("a load that fails")
    assert gc.get_threshold() == before


def test_worker_processes_run_the_garbage_collector_less_often(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(_lines(bulk.BATCH + 5)) + "\n", encoding="utf-8")
    found = list(bulk.validated([path], validation_problems, _collector_thresholds, workers=2))
    valid = [row for _, row, _ in found if row is not None]
    assert len(valid) == bulk.BATCH + 5
    assert {tuple(row) for row in valid} == {bulk.LOAD_THRESHOLDS}
    assert gc.get_threshold() != bulk.LOAD_THRESHOLDS  # not in this process


def _read_line_by_line(path: Path) -> list[tuple[int, bytes, int]]:
    """The non-blank lines of a file as Python's own line iteration reads them (numbered,
    with the bytes read up to each, a byte-order mark before the first dropped): what the
    batches must hold."""
    lines, pos = [], 0
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            pos += len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw.strip():
                lines.append((number, raw, pos))
    return lines


def test_workers_read_the_lines_batches_give(tmp_path: Path) -> None:
    """The spans the loader hands to workers hold exactly the lines a line-by-line reader
    reads: numbers, bytes and offsets, with blank lines, a byte-order mark, CRLF, lines longer
    than the block read at once, and with or without a final newline."""
    import random

    rng = random.Random(7)
    long_line = b'{"x": "' + b"y" * (bulk.BATCH * 4096 + 10) + b'"}'
    for trial in range(60):
        lines = []
        for i in range(rng.randint(0, 2 * bulk.BATCH + 50)):
            kind = rng.random()
            line = (
                b""
                if kind < 0.05
                else b"  \t"
                if kind < 0.08
                else b'{"n": %d}' % i * rng.randint(1, 30)
            )
            lines.append(line + (b"\r" if kind > 0.97 else b""))
        if trial % 10 == 3:
            lines.insert(rng.randint(0, len(lines)), long_line)
        data = b"\n".join(lines) + (b"\n" if trial % 2 else b"")
        if trial % 5 == 0:
            data = b"\xef\xbb\xbf" + data
        path = tmp_path / f"{trial}.jsonl"
        path.write_bytes(data)
        expected = _read_line_by_line(path)
        got = [line for s, e, n in bulk._spans(path) for line in bulk._lines_of(data[s:e], n, s)]
        assert got == expected, trial
        assert all(e - s > 0 for s, e, _ in bulk._spans(path))
