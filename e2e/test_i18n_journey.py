"""A whole application in English and in Uyghur: intro, sign-in, question pages with an
invalid field and the error summary, an upload, check your answers, the confirmation, then
the guide and a search. On every page of the app, any text with Han characters outside an
element marked ``lang="zh-…"`` fails the test (catalogue content without a translation and
the citizen's own Chinese name are marked so; everything else must be translated).

Names are taken from the catalogues (``translate``), so the test follows the translations.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy.engine import Engine

from app.catalogue.i18n import content_for
from app.text import translate
from app.text.format import format_time_limit
from e2e.browser import device_context_args
from e2e.conftest import open_page
from e2e.test_flow import ID_CARD, clear_drafts, count_applications, png_bytes, sign_in

# Han text outside lang="zh-…": text nodes and accessible names given by attributes
HAN_OUTSIDE_ZH = """() => {
  const HAN = /[\\u3400-\\u9fff\\uf900-\\ufaff]/;
  const zh = (el) => { const x = el.closest('[lang]'); return !!x && x.lang.startsWith('zh'); };
  const hidden = (el) => !!el.closest('script,style,noscript,template,[hidden]');
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement;
    if (el && HAN.test(node.nodeValue) && !zh(el) && !hidden(el)) out.push(node.nodeValue.trim());
  }
  for (const el of document.querySelectorAll('[aria-label],[placeholder],[title],[alt]')) {
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
      const v = el.getAttribute(a);
      if (v && HAN.test(v) && !zh(el) && !hidden(el)) out.push(a + ': ' + v);
    }
  }
  return out;
}"""


def han_outside_zh(page: Page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return page.evaluate(HAN_OUTSIDE_ZH)


def assert_translated(page: Page, where: str) -> None:
    found = han_outside_zh(page)
    assert found == [], f"{where}: untranslated Chinese outside lang=zh-…: {found}"


@pytest.fixture
def locale_page(browser: Browser, playwright: Playwright):
    contexts = []

    def make(locale: str) -> Page:
        context = browser.new_context(**device_context_args(playwright, "Pixel 7"))
        context.add_init_script(
            f"try {{ localStorage.setItem('yw_locale', '{locale}'); }} catch (e) {{}}"
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("locale", ["en", "ug"])
def test_a_whole_application_reads_in_the_citizens_language(
    locale_page, app_db: Engine, base_url: str, locale: str
) -> None:
    def tr(message: str, **params: object) -> str:
        return translate(locale, message, **params)

    def heading(name: str) -> None:
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible(timeout=20_000)

    def continue_() -> None:
        page.get_by_role("button", name=tr("继续"), exact=True).click()

    content = content_for(None)
    owner = "sbx-person-0001"
    clear_drafts(app_db, owner)
    before = count_applications(app_db, owner)
    page = open_page(locale_page(locale), base_url, f"/apply/{ID_CARD}?lang={locale}")
    page.locator(f'html[data-locale="{locale}"]').wait_for(state="attached")

    # intro: the item's name and promised limit in the locale (catalogue + one formatter)
    heading(tr("居民身份证换领"))
    expect(page.get_by_text(format_time_limit(15, "natural_day", locale))).to_be_visible()
    assert_translated(page, "intro")
    page.get_by_role("button", name=tr("开始办理")).click()
    sign_in(page, "张三")  # the sandbox identity provider's own page (not ours)

    heading(tr("申请人信息"))
    expect(
        page.get_by_text(
            tr("{item}：第 {n} 步，共 {total} 步", item=tr("居民身份证换领"), n=1, total=5)
        )
    ).to_be_visible()
    assert_translated(page, "step 1")
    continue_()

    # one question per 提交情形 of the catalogue (photo taken elsewhere: yes; by proxy: no)
    heading(tr("您的情况"))
    situations = page.get_by_role("main").get_by_role("group")
    expect(situations).to_have_count(2)
    situations.nth(0).get_by_role("radio", name=tr("是"), exact=True).check()
    situations.nth(1).get_by_role("radio", name=tr("否"), exact=True).check()
    assert_translated(page, "situations")
    continue_()

    # an invalid step: the error summary (focused) and the inline error, in the locale
    heading(tr("换领原因"))
    continue_()
    summary = page.get_by_role("alert").filter(has_text=tr("出现了问题"))
    expect(summary).to_be_focused()
    error = tr("请选择{label}", label=tr("您为什么要换领身份证？"))
    expect(summary.get_by_role("link", name=error)).to_be_visible()
    expect(page).to_have_title(
        re.compile("^" + re.escape(tr("错误：{title}", title=tr("换领原因"))))
    )
    assert_translated(page, "error summary")
    page.get_by_role("radio", name=tr("有效期满或即将期满")).check()
    date = page.get_by_label(tr("现有身份证的有效期截止日期"))
    expect(date).to_be_visible()
    continue_()  # the date it reveals is required: left empty
    bad_date = tr("请填写{label}", label=tr("现有身份证的有效期截止日期"))
    expect(page.get_by_role("link", name=bad_date)).to_be_visible()
    expect(page.get_by_label(tr("现有身份证的有效期截止日期"))).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_translated(page, "invalid date")
    # the language switches instantly, server messages included (no round trip)
    page.get_by_role("combobox", name=tr("语言")).first.select_option("zh_Hans")
    expect(page.get_by_role("link", name="请填写现有身份证的有效期截止日期")).to_be_visible()
    page.get_by_role("combobox", name="语言").first.select_option(locale)
    expect(page.get_by_role("link", name=bad_date)).to_be_visible()
    page.get_by_label(tr("现有身份证的有效期截止日期")).fill("2026-03-01")
    continue_()

    heading(tr("受理派出所"))
    page.get_by_role("combobox", name=tr("所在区县")).first.select_option(index=1)
    page.get_by_role("textbox", name=tr("街道、小区和门牌号")).first.fill("Lishan Road 101")
    assert_translated(page, "station")
    continue_()

    # every material: the ID card by e-licence, the 户口簿 and the photo uploaded
    heading(tr("申请材料"))
    page.get_by_role("button", name=tr("使用电子证照，免于上传")).click()
    expect(page.get_by_text(tr("已使用电子证照，无需上传。"))).to_be_visible()
    for material, file in (("居民户口簿", "hukou.png"), ("近期免冠证件照片", "me.png")):
        field = page.get_by_label(content.name(material, locale) or material)
        field.set_input_files({"name": file, "mimeType": "image/png", "buffer": png_bytes()})
        expect(page.get_by_text(tr("已上传：{name}", name=file))).to_be_visible()
    assert_translated(page, "upload")
    continue_()

    heading(tr("提交前请核对"))
    expect(page.get_by_text(tr("有效期满或即将期满"))).to_be_visible()
    assert_translated(page, "check your answers")
    page.get_by_role(
        "checkbox",
        name=tr(
            "本人承诺所填写的信息和提交的材料真实、准确、完整，如有虚假，愿意承担相应的法律责任。"
        ),
    ).check()
    page.get_by_role(
        "checkbox",
        name=tr(
            "我同意公安机关为办理居民身份证换领，处理本人的公民身份号码、照片和联系电话等敏感个人信息，仅用于本事项。"
        ),
    ).check()
    page.get_by_role("button", name=tr("提交申请")).click()
    # the item can be delivered: the checkout asks how the new card is received
    heading(tr("选择领取方式"))
    assert_translated(page, "checkout")
    page.get_by_role("radio", name=tr("到窗口领取")).check()
    continue_()
    heading(tr("确认并提交"))
    assert_translated(page, "checkout confirmation")
    page.get_by_role("button", name=tr("提交申请")).click()
    heading(tr("申请已提交"))
    assert_translated(page, "confirmation")
    assert count_applications(app_db, owner) == before + 1

    # the progress page: statuses and the deadline from the formatter
    page.get_by_role("link", name=tr("查看办理进度")).click()
    heading(tr("居民身份证换领"))
    expect(page.get_by_text(tr("已提交")).first).to_be_visible()
    assert_translated(page, "progress")

    # the guide of the item, then a search in the locale's words
    open_page(page, base_url, f"/item/{ID_CARD}")
    heading(tr("居民身份证换领"))
    assert_translated(page, "guide")
    query = {"en": "passport application", "ug": "پاسپورت ئىلتىماس قىلىش"}[locale]
    open_page(page, base_url, "/search?q=" + query)
    first = page.locator(".yw-result__name").first
    expect(first).to_have_text(content_for(None).names[locale]["普通护照签发"])
    assert_translated(page, "search")
