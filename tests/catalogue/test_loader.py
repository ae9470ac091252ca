from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.catalogue.readers import Problem
from app.ingest import load_files
from tests.catalogue.conftest import snapshot
from tests.factories import AREA, BASIC, BODY_USCC, item, item_with_code

WriteJson = Callable[..., Path]


@pytest.fixture
def loaded(engine: sa.Engine, write_json: WriteJson) -> list[tuple[Any, ...]]:
    """The database after a good load of three items, as a snapshot."""
    report = load_files([write_json("good.json", [item_with_code(n) for n in range(3)])], engine)
    assert report.ok and report.inserted == 3
    return snapshot(engine)


def fail(engine: sa.Engine, paths: list[Path], before: list[tuple[Any, ...]]) -> list[Problem]:
    report = load_files(paths, engine)
    assert not report.ok
    assert snapshot(engine) == before, "a failed load must write nothing"
    return report.problems


def where(problems: list[Problem]) -> list[tuple[str, str, str]]:
    return [(Path(p.file).name, p.where, p.field) for p in problems]


def test_missing_required_field(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    bad = item_with_code(10)
    del bad["department"]
    problems = fail(engine, [write_json("a.json", [item_with_code(9), bad])], loaded)
    assert where(problems) == [("a.json", "record 1", "department")]
    assert problems[0].value == "(missing)" and problems[0].reason == "Field required"


def test_bad_uscc_check_character(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    wrong = BODY_USCC[:17] + ("0" if BODY_USCC[17] != "0" else "1")
    bad = item(
        implementation_code=f"{BASIC}-{AREA}-000-{wrong}-1-00",
        department_code=wrong,
    )
    problems = fail(engine, [write_json("a.json", [bad])], loaded)
    assert ("a.json", "record 0", "implementation_code") in where(problems)
    assert ("a.json", "record 0", "department_code") in where(problems)
    dept = next(p for p in problems if p.field == "department_code")
    assert dept.value == repr(wrong)
    assert f"the checksum gives {BODY_USCC[17]}" in dept.reason


def test_unknown_enum_value(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    bad = item_with_code(10)
    bad["materials"][0]["form"] = ["扫描件"]
    problems = fail(engine, [write_json("a.json", [bad])], loaded)
    assert where(problems) == [("a.json", "record 0", "materials[0].form[0]")]
    assert problems[0].value == "'扫描件'" and "'原件', '复印件' or '电子件'" in problems[0].reason


def test_duplicate_code_within_file(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    path = write_json("a.json", [item_with_code(10), item_with_code(11), item_with_code(10)])
    problems = fail(engine, [path], loaded)
    assert where(problems) == [("a.json", "record 2", "implementation_code")]
    assert "first seen at" in problems[0].reason and "record 0" in problems[0].reason


def test_duplicate_code_across_files(
    engine: sa.Engine, write_json: WriteJson, loaded: list
) -> None:
    a = write_json("a.json", [item_with_code(10)])
    b = write_json("b.json", [item_with_code(12), item_with_code(10)])
    problems = fail(engine, [a, b], loaded)
    assert where(problems) == [("b.json", "record 1", "implementation_code")]
    assert "a.json: record 0" in problems[0].reason


def test_non_utf8_file(engine: sa.Engine, tmp_path: Path, loaded: list) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps([item_with_code(10)], ensure_ascii=False).encode("gbk"))
    problems = fail(engine, [path], loaded)
    assert where(problems) == [("gbk.json", "line 1", "-")]
    assert "not valid UTF-8" in problems[0].reason


def test_non_utf8_jsonl_names_the_line(engine: sa.Engine, tmp_path: Path, loaded: list) -> None:
    path = tmp_path / "a.jsonl"
    good = json.dumps(item_with_code(10), ensure_ascii=False).encode()
    path.write_bytes(good + b"\n" + good.replace(b"\xe5\xb1\x85", b"\xff", 1) + b"\n")
    problems = fail(engine, [path], loaded)
    assert where(problems) == [("a.jsonl", "line 2", "-")]
    assert problems[0].value == "byte 0xff"


def test_truncated_json(engine: sa.Engine, tmp_path: Path, loaded: list) -> None:
    path = tmp_path / "cut.json"
    text = json.dumps([item_with_code(10)], ensure_ascii=False, indent=1)
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    problems = fail(engine, [path], loaded)
    assert len(problems) == 1 and problems[0].where.startswith("line ")
    assert "truncated" in problems[0].reason


def csv_text(rows: list[dict[str, Any]], drop: tuple[str, ...] = ()) -> str:
    columns = [c for c in rows[0] if c not in drop]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c, "")
            if isinstance(v, list) and all(isinstance(x, str) for x in v):
                cells.append("|".join(v))
            elif isinstance(v, dict | list):
                cells.append(json.dumps(v, ensure_ascii=False))
            else:
                cells.append(str(v).lower() if isinstance(v, bool) else str(v))
        writer.writerow(cells)
    return out.getvalue()


def test_csv_loads(engine: sa.Engine, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(csv_text([item_with_code(20), item_with_code(21)]), encoding="utf-8")
    report = load_files([path], engine)
    assert report.problems == [] and report.inserted == 2


def test_csv_missing_columns(engine: sa.Engine, tmp_path: Path, loaded: list) -> None:
    path = tmp_path / "a.csv"
    path.write_text(csv_text([item_with_code(20)], drop=("name", "visits")), encoding="utf-8")
    problems = fail(engine, [path], loaded)
    assert where(problems) == [("a.csv", "line 1", "name"), ("a.csv", "line 1", "visits")]
    assert {p.reason for p in problems} == {"required column is missing"}


def test_csv_negative_time_limit(engine: sa.Engine, tmp_path: Path, loaded: list) -> None:
    rows = [item_with_code(20), item_with_code(21, promised_limit={"value": -5, "unit": "工作日"})]
    text = csv_text(rows).replace('"{""value"": -5, ""unit"": ""工作日""}"', "-5 工作日")
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8")
    problems = fail(engine, [path], loaded)
    assert where(problems) == [("a.csv", "line 3", "promised_limit.value")]
    assert problems[0].value == "-5" and "greater than or equal to 0" in problems[0].reason


def test_bad_area_code(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    problems = fail(engine, [write_json("a.json", [item_with_code(10, area_code="3701")])], loaded)
    assert where(problems) == [("a.json", "record 0", "area_code")]
    assert problems[0].value == "'3701'" and "must be exactly 12 digits" in problems[0].reason


def test_bad_date(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    path = write_json("a.json", [item_with_code(10, effective_date="2024-13-01")])
    problems = fail(engine, [path], loaded)
    assert where(problems) == [("a.json", "record 0", "effective_date")]
    assert problems[0].value == "'2024-13-01'"


def test_wrong_type(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    problems = fail(engine, [write_json("a.json", [item_with_code(10, popularity="很多")])], loaded)
    assert where(problems) == [("a.json", "record 0", "popularity")]
    assert "valid integer" in problems[0].reason


def test_record_not_an_object(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    problems = fail(engine, [write_json("a.json", [item_with_code(10), "居民身份证"])], loaded)
    assert where(problems) == [("a.json", "record 1", "-")]


@pytest.mark.parametrize(("name", "content"), [("e.json", ""), ("e.csv", ""), ("e.jsonl", "\n\n")])
def test_empty_file(
    engine: sa.Engine, tmp_path: Path, loaded: list, name: str, content: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    problems = fail(engine, [tmp_path / name], loaded)
    assert where(problems) == [(name, "file", "-")]
    assert problems[0].reason in ("file is empty", "the file contains no records")


def test_empty_array(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    problems = fail(engine, [write_json("a.json", {"items": []})], loaded)
    assert where(problems) == [("a.json", "file", "items")]


def test_unsupported_and_missing_files(engine: sa.Engine, tmp_path: Path, loaded: list) -> None:
    (tmp_path / "a.xml").write_text("<items/>", encoding="utf-8")
    problems = fail(engine, [tmp_path / "a.xml", tmp_path / "nope.json"], loaded)
    assert [p.reason for p in problems] == [
        "unsupported file type (.json, .jsonl, .csv)",
        "file does not exist",
    ]


def test_every_problem_of_every_file_is_reported(
    engine: sa.Engine, write_json: WriteJson, loaded: list
) -> None:
    a = write_json("a.json", [item_with_code(10, visits=-1), item_with_code(11, audience="企业")])
    b = write_json("b.json", [item_with_code(12, level="省级")])
    problems = fail(engine, [a, b], loaded)
    assert where(problems) == [
        ("a.json", "record 0", "visits"),
        ("a.json", "record 1", "audience"),
        ("b.json", "record 0", "level"),
    ]
    assert all(str(p).startswith(p.file) for p in problems)


def test_reload_is_idempotent(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    report = load_files([write_json("good.json", [item_with_code(n) for n in range(3)])], engine)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 3)
    assert snapshot(engine) == loaded


def test_changed_record_is_updated(engine: sa.Engine, write_json: WriteJson, loaded: list) -> None:
    items = [item_with_code(n) for n in range(3)]
    items[1] = item_with_code(1, popularity=5, themes=["出生", "户籍身份"])
    items.append(item_with_code(3))
    report = load_files([write_json("good.json", items)], engine)
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 2)
    with engine.connect() as conn:
        pop = conn.execute(
            sa.text("SELECT popularity FROM catalogue_item WHERE implementation_code = :c"),
            {"c": items[1]["implementation_code"]},
        ).scalar_one()
        themes = (
            conn.execute(
                sa.text(
                    "SELECT theme FROM catalogue_item_theme WHERE implementation_code = :c ORDER BY 1"
                ),
                {"c": items[1]["implementation_code"]},
            )
            .scalars()
            .all()
        )
    assert pop == 5 and themes == ["出生", "户籍身份"]
