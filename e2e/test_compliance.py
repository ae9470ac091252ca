"""The representative slice of the compliance matrix (``make compliance`` runs all of it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Playwright

from e2e.compliance.checks import RULES, Combination, run_combination
from e2e.compliance.run import representative_slice
from e2e.server import e2e_mode
from e2e.skips import only_in
from themes import load_theme

# the slice of the matrix checks what the browser renders, the same on either backend
# (make test-scaled runs the journeys: flow, checkout, identity, security, search …)
pytestmark = only_in("embedded mode", e2e_mode() == "scaled")

PROVINCE = "shandong"


@pytest.mark.parametrize("combo", representative_slice(PROVINCE), ids=lambda c: c.slug)
def test_combination_has_no_violations(
    browser: Browser, playwright: Playwright, base_url: str, combo: Combination
) -> None:
    default_locale = load_theme().default_language
    outcome = run_combination(browser, playwright, base_url, combo, default_locale)
    assert set(outcome.results) == set(RULES)
    assert outcome.measured > 20
    problems = [f"{rule}: {v}" for rule in RULES for v in outcome.results[rule]]
    assert not problems, f"{combo.slug}:\n" + "\n".join(problems)
