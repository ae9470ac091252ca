"""/gallery in every built-in province (one build, chosen by host name): axe and screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.axe import assert_no_violations
from e2e.conftest import PROVINCE_HOSTS, open_page, province_url
from e2e.server import ROOT as ROOT_DIR
from e2e.server import e2e_mode
from e2e.skips import only_in
from themes import THEMES_DIR, load_theme

# the component gallery renders the same on either backend
# (make test-scaled runs the journeys: flow, checkout, identity, security, search …)
pytestmark = only_in("embedded mode", e2e_mode() == "scaled")

SCREENSHOTS = ROOT_DIR / "reports" / "screenshots"


@pytest.mark.parametrize("code", list(PROVINCE_HOSTS))
def test_gallery_in_each_province(phone: Page, device: str, hosts_port: int, code: str) -> None:
    theme = load_theme(THEMES_DIR / code)
    page = open_page(phone, province_url(code, hosts_port), "/gallery")
    expect(page.get_by_role("heading", level=1, name="组件示例")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-province", code)
    # the examples are drawn in this province's tokens, and elder mode is larger
    standard = page.locator('[data-mode="standard"] .yw-search__button').first
    elder = page.locator('[data-mode="elder"] .yw-search__button').first
    expected_action = theme.value("--yw-action")
    r, g, b = (int(expected_action[i : i + 2], 16) for i in (1, 3, 5))
    assert standard.evaluate("el => getComputedStyle(el).backgroundColor") == f"rgb({r}, {g}, {b})"
    font = "el => parseFloat(getComputedStyle(el).fontSize)"
    assert elder.evaluate(font) > standard.evaluate(font)
    assert_no_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = device.lower().replace(" ", "-")
    # the gallery is long (every example twice): a full-page shot of it takes a while
    page.screenshot(
        path=str(SCREENSHOTS / f"gallery-{code}-{name}.png"), full_page=True, timeout=120_000
    )
