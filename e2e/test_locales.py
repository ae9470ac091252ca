"""Language switching, right to left, and the elder mode (长辈版) in the browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from e2e.browser import device_context_args
from e2e.compliance.checks import measure, storage_script
from e2e.conftest import open_page
from e2e.server import e2e_mode
from e2e.skips import only_in

# language, direction and elder mode are rendered in the browser, the same on either backend
# (make test-scaled runs the journeys: flow, checkout, identity, security, search …)
pytestmark = only_in("embedded mode", e2e_mode() == "scaled")

SHOTS = Path(__file__).resolve().parent.parent / "reports" / "screenshots"


def _context(browser: Browser, playwright: Playwright, init: str = "", **overrides):
    context = browser.new_context(**{**device_context_args(playwright, "Pixel 7"), **overrides})
    if init:
        context.add_init_script(init)
    return context


def test_switching_language_is_instant_keeps_input_and_persists(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/")
    page.get_by_role("searchbox", name="搜索服务事项").fill("社保卡")
    page.get_by_role("combobox", name="语言").first.select_option("en")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page).to_have_title("Home - 爱山东")
    expect(page.get_by_role("searchbox", name="Search for a service")).to_have_value("社保卡")
    popular = page.get_by_role("region", name="Popular services")
    expect(popular.get_by_role("link", name="Renew ID card")).to_be_visible()  # province content
    expect(page.get_by_role("contentinfo")).to_contain_text(
        "Hosted by: General Office of the Shandong Provincial People's Government"
    )
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Me", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Me")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/me/?$"))
    # a new visit of /me (a full page load, as a reload does) keeps the language
    open_page(page, base_url, "/me")
    page.locator('html[data-locale="en"]').wait_for(state="attached")
    expect(page.get_by_role("heading", level=1, name="Me")).to_be_visible()
    expect(page.get_by_role("combobox", name="Language").first).to_have_value("en")
    # and back to the source language
    page.get_by_role("combobox", name="Language").last.select_option("zh_Hans")
    expect(page.get_by_role("heading", level=1, name="我的")).to_be_visible()
    expect(html).to_have_attribute("lang", "zh-Hans")


def test_uyghur_mirrors_the_page(browser: Browser, playwright: Playwright, base_url: str) -> None:
    context = _context(browser, playwright)
    page = open_page(context.new_page(), base_url, "/?lang=ug")
    page.locator('html[data-locale="ug"]').wait_for(state="attached")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1, name="爱山东 باش بېتى")).to_be_attached()
    expect(page.get_by_role("link", name=re.compile("ئىلتىماس ئەھۋالىنى"))).to_be_visible()
    expect(page.get_by_role("link", name="كىملىك ئالماشتۇرۇش")).to_be_visible()
    main = page.get_by_role("main").bounding_box()
    search = page.get_by_role("searchbox").bounding_box()
    button = page.get_by_role("button", name="ئىزدەش").bounding_box()
    assert main and search and button
    assert button["x"] < search["x"], "the search button should sit on the left in RTL"
    chevron = page.locator(".yw-entry .yw-entry__chevron")
    assert chevron.evaluate("el => getComputedStyle(el).transform") == "matrix(-1, 0, 0, 1, 0, 0)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path, name in (("/", "home"), ("/services", "services"), ("/me", "me")):
        open_page(page, base_url, path)
        page.locator('html[data-locale="ug"]').wait_for(state="attached")
        page.screenshot(path=str(SHOTS / f"ug-rtl-{name}.png"), full_page=True)
    context.close()


def test_elder_switch_enlarges_simplifies_and_is_remembered(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-mode", "standard")
    hot = page.get_by_role("region", name="高频服务")
    expect(hot.get_by_role("link", name="无犯罪证明")).to_be_visible()
    body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    switch = page.get_by_role("button", name=re.compile("长辈版"))
    expect(switch).to_have_attribute("aria-pressed", "false")
    switch.click()
    expect(html).to_have_attribute("data-mode", "elder")
    expect(switch).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > max(18, body_px)
    # the simplified home: the top six personal services, two to a row; no life-event chips
    expect(hot.get_by_role("link", name="医保备案")).to_be_visible()
    expect(hot.get_by_role("link", name="无犯罪证明")).to_be_hidden()
    expect(page.get_by_role("region", name="主题服务")).to_be_hidden()
    columns = hot.locator(".yw-grid").evaluate(
        "el => getComputedStyle(el).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    assert switch.bounding_box()["height"] >= 60
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "elder-home.png"), full_page=True)
    # remembered on the device and applied before the page is hydrated
    page.reload(wait_until="commit")
    page.wait_for_selector("html[data-mode='elder']", state="attached", timeout=10_000)
    page.locator('[data-hydrated="true"]').wait_for()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的").click()
    settings = page.get_by_role("region", name="设置")
    expect(settings.get_by_role("button", name=re.compile("长辈版"))).to_have_attribute(
        "aria-pressed", "true"
    )
    settings.get_by_role("button", name=re.compile("长辈版")).click()
    expect(html).to_have_attribute("data-mode", "standard")


@pytest.mark.parametrize(
    ("query", "user_agent", "mode"),
    [
        ("?elder=1", None, "elder"),
        ("", "Mozilla/5.0 (Linux; Android 12) Mobile CareMode/1", "elder"),
        ("?elder=0", "Mozilla/5.0 (Linux; Android 12) Mobile CareMode/1", "standard"),
        ("", None, "standard"),
    ],
)
def test_host_container_elder_flag_is_followed(
    browser: Browser,
    playwright: Playwright,
    base_url: str,
    query: str,
    user_agent: str | None,
    mode: str,
) -> None:
    extra = {"user_agent": user_agent} if user_agent else {}
    context = _context(browser, playwright, **extra)
    page = open_page(context.new_page(), base_url, "/" + query)
    expect(page.locator("html")).to_have_attribute("data-mode", mode)
    context.close()


def test_the_measurements_can_fail(browser: Browser, playwright: Playwright, base_url: str) -> None:
    """A standard page measured against the elder minimums has small text and targets."""
    context = _context(browser, playwright, storage_script("standard", "zh_Hans"))
    page = open_page(context.new_page(), base_url, "/")
    found, count = measure(page, "elder")
    context.close()
    assert count > 30
    assert any("is 13.0px (min 18)" in v for v in found["text-size"]), found["text-size"]
    assert found["target-size"], "standard 44 px targets should fail the 48 px elder minimum"
