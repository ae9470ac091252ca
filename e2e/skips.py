"""What a skip means, for the root conftest (CI turns skips into failures) and the e2e results
plugin (a mode skip is no evidence): one definition of the mode skip."""

from __future__ import annotations

import os

import pytest

MODE_SKIP = "only in "


def only_in(mode: str, condition: bool) -> pytest.MarkDecorator:
    """``skipif(condition)`` for a test that belongs to another mode of the same suite, e.g.
    ``only_in("scaled mode (make test-scaled)", e2e_mode() != "scaled")``."""
    return pytest.mark.skipif(condition, reason=MODE_SKIP + mode)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def is_mode_skip(report: pytest.TestReport) -> bool:
    return bool(report.skipped) and skip_reason(report).startswith(MODE_SKIP)
