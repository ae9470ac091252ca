"""The search page: results with highlights, combobox suggestions by keyboard, filter chips,
hot and recent searches, the zero-result page; axe on each state, on the phone profiles."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from e2e.axe import assert_no_violations
from e2e.conftest import open_page


def test_results_link_to_items_with_highlights(phone: Page, base_url: str) -> None:
    page = open_page(phone, base_url, "/search/?q=身分证")
    results = page.get_by_role("region", name="“身分证”的搜索结果")
    first = results.get_by_role("link", name=re.compile("居民身份证")).first
    expect(first).to_be_visible()
    expect(first).to_have_attribute("href", re.compile(r"^/item/"))
    expect(first.locator("mark").first).to_have_text(re.compile("身份证"))
    # the name is a heading of its own; department, area and badges follow, one entry per
    # service with the other areas folded under 其他地区
    entry = results.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="居民身份证换领")
    )
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("公安局")
    expect(entry).to_contain_text(re.compile("最多跑|全程网办"))
    expect(entry.get_by_text(re.compile("^其他地区"))).to_be_visible()
    names = results.get_by_role("heading").all_inner_texts()
    assert len(names) == len(set(names)), names
    assert_no_violations(page)


def test_search_page_does_not_move_after_hydration(pixel: Page, base_url: str) -> None:
    """Cumulative layout shift while the page hydrates and the results arrive ≤ 0.02."""
    pixel.add_init_script(
        "window.__cls = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) "
        "if (!e.hadRecentInput) window.__cls += e.value; })"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page = open_page(pixel, base_url, "/search/?q=身份证")
    expect(
        page.get_by_role("region", name="“身份证”的搜索结果").get_by_role("heading").first
    ).to_be_visible()
    page.wait_for_timeout(1000)
    cls = page.evaluate("window.__cls")
    assert cls <= 0.02, f"CLS {cls:.3f}"


def test_the_results_address_answers_without_a_redirect(pixel: Page, base_url: str) -> None:
    import httpx

    page = open_page(pixel, base_url, "/")
    form = page.get_by_role("search").first
    assert form.get_attribute("action") == "/search/"
    answer = httpx.get(
        base_url + "/search/?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1", follow_redirects=False, timeout=10
    )
    assert answer.status_code == 200, answer.status_code


def test_combobox_suggests_and_keyboard_selects(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/search")
    box = page.get_by_role("combobox", name="搜索服务事项")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.click()
    started = time.perf_counter()
    box.press_sequentially("sbk")
    listbox = page.get_by_role("listbox", name="搜索建议")
    expect(listbox.get_by_role("option").first).to_be_visible()
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert elapsed_ms < 3000, f"suggestions took {elapsed_ms:.0f} ms"
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_contain_text("社会保障卡")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "yw-search-box-opt-0")
    expect(listbox.get_by_role("option", selected=True)).to_have_count(1)
    assert_no_violations(page)
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")


def test_filters_recent_and_zero_results(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/search/?q=登记")
    results = page.get_by_role("region", name="“登记”的搜索结果")
    business = results.get_by_role("button", name="法人办事")
    expect(business).to_have_attribute("aria-pressed", "false")
    business.click()
    expect(business).to_have_attribute("aria-pressed", "true")
    expect(results.get_by_role("link", name=re.compile("企业设立登记")).first).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("出生登记"))).to_have_count(0)
    page = open_page(pixel, base_url, "/search/")  # recent searches: on the empty page
    recent = page.get_by_role("region", name="最近搜索")
    expect(recent.get_by_role("link", name="登记")).to_be_visible()
    recent.get_by_role("button", name="清除最近搜索").click()
    expect(page.get_by_role("region", name="最近搜索")).to_have_count(0)

    page = open_page(pixel, base_url, "/search/?q=火星移民")
    results = page.get_by_role("region", name="“火星移民”的搜索结果")
    expect(results).to_contain_text("没有找到相关服务")
    expect(results.get_by_role("heading", level=3)).to_have_count(0)  # nothing loosely related
    expect(page.get_by_role("region", name="热门搜索").get_by_role("link").first).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("12345"))).to_have_attribute(
        "href", "tel:12345"
    )
    assert_no_violations(page)


def test_search_works_before_hydration(pixel: Page, base_url: str) -> None:
    pixel.route(re.compile(r".*\.js$"), lambda route: route.abort())
    pixel.goto(base_url + "/")
    pixel.get_by_role("searchbox", name="搜索服务事项").fill("社保卡")
    pixel.get_by_role("button", name="搜索").click()
    pixel.wait_for_url(re.compile(r"/search/?\?q=%E7%A4%BE"))


def test_searching_for_elder_mode_offers_its_switch(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/search?q=关怀版")
    region = page.get_by_role("region", name="长辈版")
    switch = region.get_by_role("button", name=re.compile("长辈版"))
    expect(switch).to_be_visible()
    switch.click()
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")
    assert_no_violations(page)
    page = open_page(pixel, base_url, "/search?q=身份证")
    expect(page.get_by_role("region", name="长辈版")).to_have_count(0)
