"""Rules for every test run (tests/ and e2e/ alike).

Under ``CI=true`` (scripts/test.sh, .ci/run) a skipped test is a failed test: CI installs every
binary and service the tests need first (Chromium, PostgreSQL, Redis, nginx), so a skip there
can only mean something is missing that must not be. The one kind of skip that stays a skip is
the choice of a mode: a test written for the scaled stack while the embedded pass runs, and the
other way round. Such skips say so with a reason that starts with :data:`MODE_SKIP` (use
``e2e.skips.only_in``), so a new skip of any other kind fails in CI until it is dealt with.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e.skips import MODE_SKIP, in_ci, skip_reason


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    reason = skip_reason(report)
    if reason.startswith(MODE_SKIP):
        return
    report.outcome = "failed"
    report.longrepr = (
        f"CI=true: {item.nodeid} would have been skipped ({reason}). CI installs every binary "
        "and service the tests need (scripts/test.sh), so a skip here hides a test: install "
        "what it names, or mark a mode-only test with e2e.skips.only_in()."
    )
