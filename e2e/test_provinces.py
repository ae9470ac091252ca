"""Several provinces from one build: the host name picks the province before first paint."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from e2e.browser import device_context_args
from e2e.conftest import PROVINCE_HOSTS, open_page, province_url
from themes import THEMES_DIR, load_theme

# Records the province at the first animation frame (before the first paint) and the header
# colour at the first frame that has a header (on a busy machine Chromium may paint a frame
# before the parser reached <header>), long before any bundle has run.
FIRST_FRAME = """
const record = () => {
  window.__firstFrame ??= {province: document.documentElement.dataset.province};
  const header = document.querySelector('header');
  if (!header) { requestAnimationFrame(record); return; }
  window.__firstFrame.header = getComputedStyle(header).backgroundColor;
  window.__firstFrameDone = true;
};
requestAnimationFrame(record);
"""


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def visible_brand(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.yw-header__name')]
             .filter((el) => el.offsetParent !== null).map((el) => el.textContent)"""
    )


def test_prerendered_html_carries_every_province(hosts_port: int) -> None:
    html = httpx.get(f"http://127.0.0.1:{hosts_port}/", timeout=10).text
    assert "location.hostname" in html.split("</head>")[0], "no province script in <head>"
    head = html.split("</head>")[0]
    assert head.index("location.hostname") < head.index("<style"), "script must precede CSS"
    for code in PROVINCE_HOSTS:
        theme = load_theme(THEMES_DIR / code)
        assert f'html[data-province="{code}"]{{' in head
        assert theme.settings.identity.app_name in html


@pytest.mark.parametrize("code", ["sichuan", "guangdong", "shandong"])
def test_host_name_picks_province_before_first_paint(
    browser: Browser, playwright: Playwright, hosts_port: int, code: str
) -> None:
    theme = load_theme(THEMES_DIR / code)
    name = theme.settings.identity.app_name
    header_bg = rgb(theme.value("--yw-header-bg"))
    context = browser.new_context(**device_context_args(playwright, "Pixel 7"))
    context.add_init_script(FIRST_FRAME)
    page = context.new_page()
    # 1. prerendered HTML + head script only: the bundles are blocked
    page.route("**/*.js", lambda route: route.abort())
    page.goto(province_url(code, hosts_port) + "/")
    page.wait_for_function("window.__firstFrameDone === true")
    first = page.evaluate("window.__firstFrame")
    assert first == {"province": code, "header": header_bg}, "another province painted first"
    assert visible_brand(page) == [name]
    # 2. the hydrated app keeps it, and the title names this province
    page.unroute("**/*.js")
    open_page(page, province_url(code, hosts_port), "/")
    expect(page.locator("html")).to_have_attribute("data-province", code)
    expect(page.get_by_role("banner").get_by_role("link", name=f"{name} 首页")).to_be_visible()
    header = page.get_by_role("banner")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == header_bg
    expect(page).to_have_title(f"首页 - {name}")
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text(f"主办单位：{theme.settings.contact.host_unit}")
    first_tile = theme.settings.home.services[0].name
    expect(
        page.get_by_role("region", name="高频服务").get_by_role("link", name=first_tile)
    ).to_be_visible()
    context.close()


def test_search_uses_the_hosts_province(pixel: Page, hosts_port: int) -> None:
    """The backend answers from the catalogue of the province of the host name."""
    main = open_page(
        pixel, province_url("sichuan", hosts_port), "/search?q=身份证换领"
    ).get_by_role("main")
    first = main.get_by_role("link", name=re.compile("居民身份证换领")).first
    expect(first).to_contain_text(re.compile("成都|广安|四川"))
    main = open_page(
        pixel, province_url("shandong", hosts_port), "/search?q=身份证换领"
    ).get_by_role("main")
    first = main.get_by_role("link", name=re.compile("居民身份证换领")).first
    expect(first).to_contain_text(re.compile("济南|青岛|山东"))


def test_unknown_host_gets_the_default_province(pixel: Page, hosts_port: int) -> None:
    page = open_page(pixel, f"http://127.0.0.1:{hosts_port}", "/")
    expect(page.locator("html")).to_have_attribute("data-province", "shandong")
    assert visible_brand(page) == ["爱山东"]


def test_without_javascript_each_host_still_gets_its_own_province(
    browser: Browser, playwright: Playwright, hosts_port: int
) -> None:
    """The server sends each host's pages as its own (app/pages/host_html.py): with JS off,
    sc.localhost is 天府通办 — title, brand, footer — and an unknown host the default."""
    context = browser.new_context(
        **device_context_args(playwright, "Pixel 7"), java_script_enabled=False
    )
    page = context.new_page()
    for code in ("sichuan", "chongqing"):
        theme = load_theme(THEMES_DIR / code)
        name = theme.settings.identity.app_name
        page.goto(province_url(code, hosts_port) + "/")
        expect(page.locator("html")).to_have_attribute("data-province", code)
        assert visible_brand(page) == [name]
        expect(page).to_have_title(f"首页 - {name}")
        footer = page.get_by_role("contentinfo")
        expect(footer).to_contain_text(f"主办单位：{theme.settings.contact.host_unit}")
    page.goto(f"http://127.0.0.1:{hosts_port}/")
    expect(page.locator("html")).to_have_attribute("data-province", "shandong")
    assert visible_brand(page) == ["爱山东"]
    context.close()
