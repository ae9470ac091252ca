"""Record every e2e test's outcome in reports/e2e/results.json (read by conformance).

Per mode (``YIWANG_E2E_MODE``: embedded or scaled) and per test id: the outcome of its last run
(``passed``, ``failed``, ``error`` or ``skipped``) and when that run finished; a test that
belongs to the other mode (``conftest.only_in``) is not recorded for this one. A run of some
files updates their tests and keeps the rest, each with its own time, so the report says how
recent each piece of evidence is. Written atomically at the end of the session.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from e2e.skips import is_mode_skip

RESULTS = Path(__file__).resolve().parent.parent / "reports" / "e2e" / "results.json"
_outcomes: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    previous = _outcomes.get(report.nodeid)
    if report.failed:
        outcome = "failed" if report.when == "call" else "error"
    elif report.skipped:
        if is_mode_skip(report):
            return  # written for the other mode (conftest.only_in): no evidence either way
        outcome = "skipped"
    elif report.when == "call":
        outcome = "passed"
    else:
        return  # a passing setup or teardown says nothing on its own
    if previous in ("failed", "error") and outcome != previous:
        return  # a later phase never hides an earlier failure
    _outcomes[report.nodeid] = outcome


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _outcomes:
        return
    path = Path(os.environ.get("YIWANG_E2E_RESULTS") or RESULTS)
    mode = os.environ.get("YIWANG_E2E_MODE") or "embedded"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    tests = data.setdefault("modes", {}).setdefault(mode, {})
    for nodeid, outcome in _outcomes.items():
        tests[nodeid] = {"outcome": outcome, "finished": finished}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
