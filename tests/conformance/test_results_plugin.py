"""e2e/results_plugin.py records each test's outcome per mode, and a later partial run updates
only the tests it ran (a real pytest run in a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conformance import inputs

TESTS = """
import pytest

@pytest.fixture
def broken():
    raise RuntimeError("setup fails")

def test_ok():
    pass

def test_fails():
    assert False

def test_setup_error(broken):
    pass

@pytest.mark.skip(reason="no")
def test_skipped():
    pass

@pytest.mark.skipif(True, reason="only in scaled mode")
def test_other_mode():
    pass

@pytest.mark.parametrize("n", [1, 2])
def test_param(n):
    assert n == 1
"""


def pytest_run(folder: Path, results: Path, mode: str, *args: str) -> None:
    env = {**os.environ, "YIWANG_E2E_RESULTS": str(results), "YIWANG_E2E_MODE": mode}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env | {"PYTHONPATH": str(inputs.ROOT)},
        capture_output=True,
        check=False,
        timeout=120,
    )


def test_outcomes_per_mode_and_partial_runs(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "from e2e.results_plugin import pytest_runtest_logreport, pytest_sessionfinish\n",
        encoding="utf-8",
    )
    (tmp_path / "test_x.py").write_text(TESTS, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    results = tmp_path / "results.json"
    pytest_run(tmp_path, results, "embedded")
    data = json.loads(results.read_text("utf-8"))
    got = {k: v["outcome"] for k, v in data["modes"]["embedded"].items()}
    assert got == {
        "test_x.py::test_ok": "passed",
        "test_x.py::test_fails": "failed",
        "test_x.py::test_setup_error": "error",
        "test_x.py::test_skipped": "skipped",
        "test_x.py::test_param[1]": "passed",
        "test_x.py::test_param[2]": "failed",
    }  # test_other_mode belongs to the other mode: no evidence either way, not recorded
    first = data["modes"]["embedded"]["test_x.py::test_fails"]["finished"]

    (tmp_path / "test_x.py").write_text(TESTS.replace("assert False", "pass"), encoding="utf-8")
    pytest_run(tmp_path, results, "scaled", "test_x.py::test_fails")
    pytest_run(tmp_path, results, "embedded", "test_x.py::test_fails")
    data = json.loads(results.read_text("utf-8"))
    assert data["modes"]["scaled"] == {
        "test_x.py::test_fails": {
            "outcome": "passed",
            "finished": data["modes"]["scaled"]["test_x.py::test_fails"]["finished"],
        }
    }
    embedded = data["modes"]["embedded"]
    assert embedded["test_x.py::test_fails"]["outcome"] == "passed"
    assert embedded["test_x.py::test_fails"]["finished"] >= first
    assert embedded["test_x.py::test_param[2]"]["outcome"] == "failed"  # not rerun: kept
    read = inputs.e2e_results(results)
    assert {(r.nodeid, r.mode) for r in read} >= {("test_x.py::test_ok", "embedded")}
