"""The mobile shell: landmarks, brand, tab bar, footer, layout at 360 px, axe on every page."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from e2e.axe import assert_no_violations
from e2e.conftest import open_page
from e2e.server import e2e_mode
from e2e.skips import only_in

SHELL_PAGES = {"/": "首页", "/services": "办事", "/me": "我的"}
# what the browser renders is the same in both modes: the scaled pass keeps to journeys and
# serving (prerendered HTML through nginx, the tab bar's navigation, search on PostgreSQL)
RENDER_ONLY = only_in("embedded mode", e2e_mode() == "scaled")


@RENDER_ONLY
def test_home_renders_on_each_device(phone: Page, base_url: str) -> None:
    page = open_page(phone, base_url, "/")
    expect(page).to_have_title("首页 - 爱山东")
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name="爱山东 首页")).to_be_visible()
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="爱山东首页")).to_be_attached()
    expect(page.get_by_role("search")).to_be_visible()
    expect(page.get_by_role("searchbox", name="搜索服务事项")).to_be_visible()
    expect(page.get_by_role("group", name="办事对象")).to_be_visible()
    hot = page.get_by_role("region", name="高频服务")
    expect(hot.get_by_role("link", name="身份证换领")).to_be_visible()
    themes = page.get_by_role("region", name="主题服务")
    expect(themes.get_by_role("link", name="出生")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("办件查询"))).to_be_visible()
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name=re.compile("12345"))).to_have_attribute(
        "href", "tel:12345"
    )
    expect(footer).to_contain_text("主办单位：山东省人民政府办公厅")
    expect(footer).to_contain_text("网站标识码：3700000000")
    expect(footer.get_by_role("link", name="鲁ICP备00000000号-1")).to_be_visible()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("data-province", "shandong")


def test_home_is_prerendered(base_url: str) -> None:
    """Content, lang and dir are in the HTML before any JavaScript runs."""
    html = httpx.get(base_url + "/", timeout=10).text
    assert '<html data-mode="standard" data-province="shandong" dir="ltr" lang="zh-Hans">' in html
    shown = re.sub(r"<!--.*?-->|<[^>]+>", "", html)  # the text, as read (a unit is its own span)
    for text in (
        "爱山东",
        "高频服务",
        "身份证换领",
        "主办单位：山东省人民政府办公厅",
        "跳到主要内容",
    ):
        assert text in shown, text


def test_tab_bar_navigates_and_marks_the_current_page(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="首页")).to_have_attribute("aria-current", "page")
    for name in ("办事", "我的", "首页"):
        nav.get_by_role("link", name=name).click()
        expect(nav.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
        others = [n for n in ("首页", "办事", "我的") if n != name]
        for other in others:
            expect(nav.get_by_role("link", name=other)).not_to_have_attribute(
                "aria-current", "page"
            )
        expect(page).to_have_title(f"{name} - 爱山东")


@RENDER_ONLY
@pytest.mark.parametrize("path", SHELL_PAGES)
def test_no_horizontal_scroll_at_360(browser, playwright, base_url: str, path: str) -> None:
    from e2e.browser import device_context_args

    context = browser.new_context(**device_context_args(playwright, "Low-end Android 360x640"))
    page = open_page(context.new_page(), base_url, path)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    context.close()
    assert widths[1] == 360
    assert widths[0] <= widths[1], f"{path} scrolls sideways: {widths[0]}px content in 360px"


@RENDER_ONLY
@pytest.mark.parametrize("path", SHELL_PAGES)
def test_axe_reports_no_violations(phone: Page, base_url: str, path: str) -> None:
    page = open_page(phone, base_url, path)
    assert_no_violations(page)


def test_audience_switch_shows_one_audience(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/")
    hot = page.get_by_role("region", name="高频服务")
    expect(hot.get_by_role("link", name="身份证换领")).to_be_visible()
    expect(hot.get_by_role("link", name="企业开办")).to_be_hidden()
    page.get_by_role("radio", name="法人服务").check()
    expect(hot.get_by_role("link", name="企业开办")).to_be_visible()
    expect(hot.get_by_role("link", name="身份证换领")).to_be_hidden()
    # keyboard: arrow keys move within the radio group
    page.get_by_role("radio", name="法人服务").press("ArrowLeft")
    expect(page.get_by_role("radio", name="个人服务")).to_be_checked()
    expect(hot.get_by_role("link", name="身份证换领")).to_be_visible()


def test_skip_link_is_first_and_moves_focus_to_main(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_search_entry_finds_a_service(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/")
    page.get_by_role("searchbox", name="搜索服务事项").fill("社保卡")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"/search/?\?q="))
    page.locator('[data-hydrated="true"]').wait_for()
    results = page.get_by_role("region", name="“社保卡”的搜索结果")
    expect(results.get_by_role("link", name=re.compile("社会保障卡申领")).first).to_be_visible()
