"""``python -m conformance`` on province folders: the files it writes, the last line, the
thresholds, the function table's evidence and the waivers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance import inputs
from conformance.__main__ import main
from conformance.functions import (
    DISABLED,
    MISSING,
    NOT_BUILT,
    PRESENT,
    Function,
    TableError,
    evaluate,
    load_table,
    matches,
    route_paths,
)
from conformance.report import build, thresholds
from tests.conformance.conftest import passing_results

LAST_LINE_KEYS = {
    "provinces",
    "items",
    "element_score",
    "functions_present",
    "functions_total",
    "a11y_violations",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(list(args))
    out = capsys.readouterr().out
    return code, json.loads(out.strip().splitlines()[-1]), out


def test_a_healthy_province_meets_the_thresholds(
    province: Callable[..., Path], records: list[dict], tmp_path: Path, capsys
) -> None:
    folder = province(records[:5], suffix=".jsonl")
    results = passing_results(tmp_path / "results.json")
    code, last, out = run(
        capsys, str(folder), "--out", str(tmp_path / "out"), "--results", str(results)
    )
    assert code == 0, out
    assert set(last) >= LAST_LINE_KEYS
    assert last["provinces"] == 1 and last["items"] == 5 and last["element_score"] == 1.0
    table = load_table()
    built = [f for f in table if f.routes and f.tests]
    assert last["functions_total"] == len(table)
    assert last["functions_present"] == len(built)
    data = json.loads((tmp_path / "out" / "testland" / "summary.json").read_text("utf-8"))
    assert data["thresholds"] == {"passed": True, "failures": []}
    assert data["departments"] and all(d["element_score"] == 1.0 for d in data["departments"])
    search = next(f for f in data["functions"] if f["key"] == "search")
    assert search["status"] == PRESENT
    assert search["routes"] == ["/search"]
    assert {t["outcome"] for t in search["tests"]} == {"passed"}
    assert (tmp_path / "out" / "testland" / "index.html").is_file()


def test_a_broken_item_shows_its_file_field_and_fix(
    province: Callable[..., Path], records: list[dict], tmp_path: Path, capsys
) -> None:
    broken = json.loads(json.dumps(records[2], ensure_ascii=False))
    broken["promised_limit"] = {"value": 5}
    index = next(i for i, m in enumerate(broken["materials"]) if m["necessity"] == "非必要")
    broken["materials"][index]["condition"] = ""
    folder = province([records[0], records[1], broken])
    results = passing_results(tmp_path / "results.json")
    code, last, out = run(
        capsys, str(folder), "--out", str(tmp_path / "out"), "--results", str(results)
    )
    assert code == 1
    assert "FAIL testland" in out and "element score" in out
    assert 0.9 < last["element_score"] < 1.0
    data = json.loads((tmp_path / "out" / "testland" / "summary.json").read_text("utf-8"))
    bad = [i for i in data["items_detail"] if i["findings"] and i["where"] == "record 2"]
    assert len(bad) == 1 and bad[0]["code"] == broken["implementation_code"]
    fields = {f["field"]: f for f in bad[0]["findings"] if f["kind"] == "element"}
    assert set(fields) == {"promised_limit", f"materials.{index}.condition"}
    assert fields["promised_limit"]["file"] == "catalogue/items.json"
    assert fields["promised_limit"]["fix"].startswith("In catalogue/items.json, record 2:")
    page = (tmp_path / "out" / "testland" / "index.html").read_text("utf-8")
    assert fields["promised_limit"]["fix"].replace('"', "&quot;") in page
    assert broken["implementation_code"] in page


def test_a_file_that_cannot_be_read_is_a_failing_record(
    province: Callable[..., Path], records: list[dict], tmp_path: Path, capsys
) -> None:
    folder = province(records[:2])
    (folder / "catalogue" / "more.jsonl").write_text('{"name": \n', encoding="utf-8")
    code, last, _ = run(capsys, str(folder), "--out", str(tmp_path / "out"), "--no-check")
    assert code == 0  # --no-check
    data = json.loads((tmp_path / "out" / "testland" / "summary.json").read_text("utf-8"))
    assert data["file_problems"][0]["file"] == "catalogue/more.jsonl"
    assert data["file_problems"][0]["where"] == "line 1"
    assert last["element_score"] < 1.0
    assert not data["thresholds"]["passed"]


def test_no_catalogue_is_below_the_thresholds(
    province: Callable[..., Path], tmp_path: Path, capsys
) -> None:
    folder = province([])
    (folder / "catalogue" / "items.json").unlink()
    code, last, out = run(capsys, str(folder), "--out", str(tmp_path / "out"))
    assert code == 1 and last["items"] == 0
    assert "0 catalogue items" in out


def test_a_feature_switched_off_is_disabled_not_missing(
    province: Callable[..., Path], records: list[dict], tmp_path: Path
) -> None:
    folder = province(records[:2], features={"evaluation": False})
    results = inputs.e2e_results(passing_results(tmp_path / "r.json"))
    report = build(folder, results, None, tmp_path / "shots")
    evaluation = next(f for f in report.functions if f.function.key == "evaluation")
    assert evaluation.status == DISABLED
    assert "evaluation = false" in evaluation.reason and "theme.toml" in evaluation.reason
    assert not report.threshold_failures


def test_a_failed_or_absent_test_makes_the_function_missing(tmp_path: Path) -> None:
    from themes.schema import Features

    table = load_table()
    results = inputs.e2e_results(passing_results(tmp_path / "r.json", outcome="failed"))
    out = {r.function.key: r for r in evaluate(table, Features(), results, "theme.toml")}
    assert out["search"].status == MISSING and "failed" in out["search"].reason
    unbuilt = Function("unbuilt", "未建", "A function with no page or test yet", (), ())
    out = {r.function.key: r for r in evaluate([*table, unbuilt], Features(), results, "t.toml")}
    assert out["unbuilt"].status == NOT_BUILT
    out = {r.function.key: r for r in evaluate(table, Features(), [], "theme.toml")}
    assert "has no result in the last e2e run" in out["guide"].reason
    assert "make e2e" in out["guide"].fix


def test_a_waiver_is_strict(
    province: Callable[..., Path], records: list[dict], tmp_path: Path
) -> None:
    folder = province(records[:1])
    results = inputs.e2e_results(passing_results(tmp_path / "r.json"))
    limits = thresholds() | {"waivers": {"search": "pretend"}}
    report = build(folder, results, None, tmp_path / "shots", limits)
    assert any("remove its waiver" in f for f in report.threshold_failures)
    limits = thresholds() | {"waivers": {}}
    report = build(folder, results, None, tmp_path / "shots", limits)
    assert not report.threshold_failures  # every function proved: nothing to waive
    # a function whose evidence is missing fails the check unless it is waived
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    data["modes"]["embedded"] = {
        k: v for k, v in data["modes"]["embedded"].items() if "test_licence_show" not in k
    }
    (tmp_path / "r2.json").write_text(json.dumps(data), encoding="utf-8")
    partial = inputs.e2e_results(tmp_path / "r2.json")
    report = build(folder, partial, None, tmp_path / "shots", limits)
    assert any("function licence_show" in f for f in report.threshold_failures)
    limits = thresholds() | {"waivers": {"licence_show": "pretend"}}
    report = build(folder, partial, None, tmp_path / "shots", limits)
    assert not any("licence_show" in f for f in report.threshold_failures)


def test_accessibility_figures_per_page_and_mode(
    province: Callable[..., Path], records: list[dict], tmp_path: Path
) -> None:
    folder = province(records[:1])
    compliance = {
        "report": str(tmp_path / "compliance" / "index.html"),
        "results": [
            {"province": "testland", "path": "/", "mode": "elder", "results": {"axe": ["x"]}},
            {"province": "testland", "path": "/", "mode": "elder", "results": {"axe": []}},
            {"province": "other", "path": "/", "mode": "elder", "results": {"axe": ["y"]}},
        ],
    }
    report = build(folder, [], compliance, tmp_path / "shots")
    assert report.a11y_violations == 1
    assert report.accessibility["pages"] == [
        {"path": "/", "mode": "elder", "combinations": 2, "violations": 1, "rules": {"axe": 1}}
    ]


def test_the_table_names_real_routes_settings_and_tests(tmp_path: Path) -> None:
    table = load_table()
    assert len(table) >= 17
    e2e_dir = Path(inputs.ROOT / "e2e")
    for fn in table:
        for test in fn.tests:
            file, _, name = test.partition("::")
            assert f"def {name}(" in (inputs.ROOT / file).read_text("utf-8"), test
    assert "/apply/[code]" in route_paths()
    assert e2e_dir.is_dir()
    bad = tmp_path / "functions.toml"
    bad.write_text(
        '[[function]]\nkey="x"\nname="x"\ntitle="x"\nroutes=["/nowhere"]\nfeature="nope"\n',
        encoding="utf-8",
    )
    with pytest.raises(TableError) as exc:
        load_table(bad)
    assert "'/nowhere' is not in routes.py" in str(exc.value)
    assert "feature 'nope' is not a theme.toml [features] setting" in str(exc.value)


def test_test_ids_match_every_parameter_set_only() -> None:
    assert matches("e2e/a.py::t", "e2e/a.py::t[chromium]")
    assert matches("e2e/a.py::t", "e2e/a.py::t")
    assert not matches("e2e/a.py::t", "e2e/a.py::t_other[chromium]")


def test_a_folder_that_is_not_a_province_exits_2(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 2
    assert "not a valid province folder" in capsys.readouterr().err


def test_catalogue_problems_for_themes_check(
    province: Callable[..., Path], records: list[dict]
) -> None:
    from conformance.report import catalogue_problems

    broken = json.loads(json.dumps(records[0], ensure_ascii=False))
    del broken["materials"][0]["e_licence"]
    folder = province([broken, records[1]])
    problems = catalogue_problems(folder)
    assert [(p.file.name, p.field) for p in problems] == [
        ("items.json", "record 0.materials.0.e_licence")
    ]
    assert "must be stated" in problems[0].message
    assert "In catalogue/items.json, record 0" in problems[0].message
