"""Read catalogue files (JSON, JSON Lines, CSV) into raw records with their location.

Readers never raise for bad input: they yield a ``Problem`` and stop (file-level
problems) or carry on with the next record (record-level problems).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.service_item import ServiceItem

LIST_FIELDS = frozenset({"legal_basis", "themes", "keywords"})
JSON_FIELDS = frozenset(
    {"steps", "fees", "halls", "consultation", "complaint", "materials"}
    | {"statutory_limit", "promised_limit"}
)
LIST_SEPARATOR = "|"
_LIMIT_RE = re.compile(r"^(-?\d+)\s*(工作日|自然日)$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one place: file, record or line, field, value and reason."""

    file: str
    where: str
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.field} = {self.value}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Record:
    """A raw record and where it came from."""

    file: str
    where: str
    data: dict[str, Any]
    offset: int = 0  # bytes of the file read so far, for progress


def show(value: Any, limit: int = 80) -> str:
    """A short printable form of a value for reports."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = repr(text) if isinstance(value, str) else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_records(path: Path) -> Iterator[Record | Problem]:
    """Yield the records of one file, or problems where it cannot be read."""
    name = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        yield Problem(name, "file", "-", "-", "file does not exist")
        return
    if path.stat().st_size == 0:
        yield Problem(name, "file", "-", "-", "file is empty")
        return
    if suffix == ".json":
        yield from _read_json(path, name)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path, name)
    elif suffix == ".csv":
        yield from _read_csv(path, name)
    else:
        yield Problem(
            name, "file", "-", suffix or "-", "unsupported file type (.json, .jsonl, .csv)"
        )


def _not_utf8(name: str, raw: bytes, exc: UnicodeDecodeError, line: int | None = None) -> Problem:
    number = line if line is not None else raw[: exc.start].count(b"\n") + 1
    where = f"line {number}"
    byte = raw[exc.start : exc.start + 1].hex()
    return Problem(name, where, "-", f"byte 0x{byte}", "file is not valid UTF-8 text")


def _read_json(path: Path, name: str) -> Iterator[Record | Problem]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield _not_utf8(name, raw, exc)
        return
    if not text.strip():
        yield Problem(name, "file", "-", "-", "file is empty")
        return
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        yield Problem(name, where, "-", "-", f"not valid JSON ({exc.msg}); is the file truncated?")
        return
    items = doc.get("items") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        yield Problem(name, "file", "-", "-", 'expected a JSON array of items or {"items": [...]}')
        return
    if not items:
        yield Problem(name, "file", "items", "[]", "the file contains no records")
        return
    for index, data in enumerate(items):
        yield _record(name, f"record {index}", data, len(raw) * (index + 1) // len(items))


def _record(name: str, where: str, data: Any, offset: int) -> Record | Problem:
    if isinstance(data, dict):
        return Record(name, where, data, offset)
    return Problem(name, where, "-", show(data), "a record must be a JSON object")


def _utf8_lines(path: Path, name: str, problems: list[Problem], pos: list[int]) -> Iterator[str]:
    """Decode line by line so a bad byte is reported with its line; count bytes in ``pos``."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            pos[0] += len(raw)
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                problems.append(_not_utf8(name, raw, exc, number))
                return


def _read_jsonl(path: Path, name: str) -> Iterator[Record | Problem]:
    problems: list[Problem] = []
    pos = [0]
    count = 0
    for number, line in enumerate(_utf8_lines(path, name, problems, pos), start=1):
        if not line.strip():
            continue
        count += 1
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(
                name, f"line {number}", "-", show(line.strip(), 40), f"not valid JSON ({exc.msg})"
            )
            continue
        yield _record(name, f"line {number}", data, pos[0])
    yield from problems
    if not count and not problems:
        yield Problem(name, "file", "-", "-", "the file contains no records")


def _read_csv(path: Path, name: str) -> Iterator[Record | Problem]:
    problems: list[Problem] = []
    pos = [0]
    reader = csv.reader(_utf8_lines(path, name, problems, pos))
    header = next(reader, None)
    if header is None:
        yield from problems or [Problem(name, "file", "-", "-", "file is empty")]
        return
    columns = [c.strip() for c in header]
    known = set(ServiceItem.model_fields)
    required = [f for f, info in ServiceItem.model_fields.items() if info.is_required()]
    header_problems = [
        Problem(name, "line 1", c, "(missing)", "required column is missing")
        for c in required
        if c not in columns
    ] + [Problem(name, "line 1", c, show(c), "unknown column") for c in columns if c not in known]
    if header_problems:
        yield from header_problems
        return
    count = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        yield from _csv_record(name, f"line {reader.line_num}", columns, row, pos[0])
    yield from problems
    if not count and not problems:
        yield Problem(name, "file", "-", "-", "the file contains no records")


def _csv_record(
    name: str, where: str, columns: list[str], row: list[str], offset: int
) -> Iterable[Record | Problem]:
    if len(row) != len(columns):
        return [Problem(name, where, "-", f"{len(row)} cells", f"expected {len(columns)} cells")]
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, cell in zip(columns, row, strict=True):
        cell = cell.strip()
        if not cell:
            continue
        try:
            data[column] = parse_cell(column, cell)
        except ValueError as exc:
            problems.append(Problem(name, where, column, show(cell), str(exc)))
    return problems or [Record(name, where, data, offset)]


def parse_cell(column: str, cell: str) -> Any:
    """Turn a CSV cell into the value the model expects."""
    if column in LIST_FIELDS:
        return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]
    if column in ("statutory_limit", "promised_limit") and not cell.startswith("{"):
        if cell == "即办":
            return {"value": 0, "unit": "即办"}
        match = _LIMIT_RE.match(cell)
        if not match:
            raise ValueError("expected '<days> 工作日', '<days> 自然日', '即办' or a JSON object")
        return {"value": int(match[1]), "unit": match[2]}
    if column in JSON_FIELDS:
        try:
            return json.loads(cell)
        except json.JSONDecodeError as exc:
            raise ValueError(f"cell is not valid JSON ({exc.msg})") from None
    return cell
