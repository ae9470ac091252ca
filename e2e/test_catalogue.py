"""Browsing the catalogue and reading an item guide, on the phone profiles."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from e2e.axe import assert_no_violations
from e2e.conftest import open_page

ID_CARD = "001018000000-370102000000-000-11370102010133958H-8-00"


def test_browse_by_theme_to_a_guide(phone: Page, base_url: str) -> None:
    page = open_page(phone, base_url, "/services")
    themes = page.get_by_role("region", name="按主题办")
    expect(themes.get_by_role("link", name=re.compile(r"^出生"))).to_be_visible()
    expect(themes.get_by_role("link", name=re.compile(r"^开办企业"))).to_be_hidden()
    assert_no_violations(page)
    themes.get_by_role("link", name=re.compile(r"^出生")).click()
    expect(page.get_by_role("heading", level=1, name="出生")).to_be_visible()
    expect(page.get_by_text(re.compile(r"共 \d+ 项，第 1 / 1 页"))).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("link", name=re.compile(r"^出生登记")).first.click()
    expect(page.get_by_role("heading", level=1, name="出生登记")).to_be_visible()
    assert_no_violations(page)


def test_legal_person_themes_and_departments(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/services")
    page.get_by_role("radio", name="法人服务").check()
    themes = page.get_by_role("region", name="按主题办")
    expect(themes.get_by_role("link", name=re.compile(r"^开办企业"))).to_be_visible()
    expect(themes.get_by_role("link", name=re.compile(r"^出生"))).to_be_hidden()
    departments = page.get_by_role("region", name="按部门办")
    departments.get_by_text("展开全部部门").click()
    first = departments.get_by_role("link").filter(visible=True).first
    expect(first).to_have_attribute(
        "href", re.compile(r"/items\?audience=%E6%B3%95%E4%BA%BA&department=")
    )


def test_guide_presents_the_elements_in_order(phone: Page, base_url: str) -> None:
    page = open_page(phone, base_url, f"/item/{ID_CARD}")
    expect(page.get_by_role("heading", level=1, name="居民身份证换领")).to_be_visible()
    expect(page.get_by_text("济南市公安局历下区分局 · 县级 · 公共服务")).to_be_visible()
    expect(page.get_by_role("link", name="在线办理")).to_have_attribute("href", f"/apply/{ID_CARD}")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings == [
        "办理方式", "申请材料", "办理时限", "收费标准", "办理流程",
        "办理地点和时间", "咨询与投诉", "受理条件与设定依据",
    ]  # fmt: skip
    materials = page.get_by_role("region", name="申请材料")
    first = materials.get_by_role("listitem").first
    expect(first).to_contain_text("申请人居民身份证")
    expect(first).to_contain_text("可用电子证照免提交")
    expect(materials).to_contain_text("提交情形：委托他人代为办理的")
    limits = page.get_by_role("region", name="办理时限")
    expect(limits).to_contain_text("承诺时限15 个自然日")
    expect(page.get_by_role("region", name="收费标准")).to_contain_text("¥20.00")
    contact = page.get_by_role("region", name="咨询与投诉")
    expect(contact.get_by_role("link", name="12345政务服务便民热线").first).to_have_attribute(
        "href", "tel:12345"
    )
    legal = page.get_by_role("region", name="受理条件与设定依据")
    basis = legal.get_by_text("《中华人民共和国居民身份证法》第十一条")
    expect(basis).to_be_hidden()
    legal.get_by_text("设定依据", exact=True).click()
    expect(basis).to_be_visible()
    assert_no_violations(page)


def test_guide_offers_online_handling_for_every_online_item(pixel: Page, base_url: str) -> None:
    """居民身份证丢失补领 has no hand-written form: its application is derived (issue 14)."""
    page = open_page(pixel, base_url, "/search?q=居民身份证丢失补领")
    page.get_by_role("main").get_by_role(
        "link", name=re.compile("居民身份证丢失补领")
    ).first.click()
    expect(page.get_by_role("heading", level=1, name="居民身份证丢失补领")).to_be_visible()
    expect(page.get_by_role("link", name="在线办理")).to_have_count(1)
    page = open_page(pixel, base_url, "/search?q=出生登记")
    page.get_by_role("main").get_by_role("link", name=re.compile("^出生登记")).first.click()
    expect(page.get_by_role("heading", level=1, name="出生登记")).to_be_visible()
    bundle = page.get_by_role("link", name=re.compile("一件事一次办："))
    expect(bundle).to_have_attribute("href", re.compile(r"^/apply/yjs-"))


def test_guide_deep_link_survives_reload(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, f"/item/{ID_CARD}")
    expect(page.get_by_role("heading", level=1, name="居民身份证换领")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1, name="居民身份证换领")).to_be_visible()


def test_guide_shows_a_readable_skeleton_before_hydration(base_url: str) -> None:
    html = httpx.get(f"{base_url}/item/{ID_CARD}", timeout=10).text
    shown = re.sub(r"<!--.*?-->|<[^>]+>", "", html)  # the text, as read (a unit is its own span)
    for text in ("爱山东", "正在加载…", "主办单位：山东省人民政府办公厅"):
        assert text in shown, text
    assert "主导航" in html  # the tab bar's name (an aria-label)


def test_unknown_item_is_a_helpful_not_found(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/item/NO-SUCH-CODE")
    expect(page.get_by_role("heading", level=1, name="没有找到这个事项")).to_be_visible()
    expect(page.get_by_text("事项编码：NO-SUCH-CODE")).to_be_visible()
    expect(page.get_by_role("searchbox", name="搜索服务事项")).to_be_visible()
    expect(page.get_by_role("link", name="按主题和部门查找事项")).to_have_attribute(
        "href", "/services"
    )
    assert_no_violations(page)


def test_item_list_pages_through(pixel: Page, base_url: str) -> None:
    page = open_page(pixel, base_url, "/items?audience=个人")
    pager = page.get_by_role("navigation", name="分页")
    expect(pager).to_contain_text("第 1 / ")
    expect(pager.get_by_role("link", name="上一页")).to_have_count(0)
    first_page = page.get_by_role("main").get_by_role("listitem").all_inner_texts()
    assert len(first_page) == 10
    pager.get_by_role("link", name="下一页").click()
    expect(pager).to_contain_text("第 2 / ")
    expect(page).to_have_url(re.compile(r"page=2"))
    assert page.get_by_role("main").get_by_role("listitem").all_inner_texts() != first_page
    page.reload()
    expect(page.get_by_role("navigation", name="分页")).to_contain_text("第 2 / ")
    assert_no_violations(page)
