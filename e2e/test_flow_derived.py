"""Applications derived from the catalogue (items without a hand-written form), on a phone:
from the guide's 在线办理 to the confirmation and the progress page, with an invalid field, a
reload mid-form, a conditional material, an e-licence and a 法人 item. axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from e2e.axe import assert_no_violations
from e2e.conftest import back_office_moves, open_page
from e2e.test_flow import (
    clear_drafts,
    continue_,
    count_applications,
    heading,
    png_bytes,
    sign_in,
    wait_idle,
)

NO_RECORD = "027018000000-370211000000-000-11370211459939353K-8-00"  # 无犯罪记录证明
INVOICE = "038128000000-370203000000-000-11370203799387989U-8-00"  # 发票申领 (法人)
EMPLOYMENT = "029048000000-370203000000-000-113702035115067167-8-00"  # 就业登记
FOR_VISIT = "001018000000-370102000000-000-11370102010133958H-8-00"


def from_the_guide(page: Page, name: str) -> None:
    """The guide offers 在线办理; it opens the application's intro."""
    heading(page, name)
    expect(page.get_by_text("可网上办理")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("link", name="在线办理").click()
    heading(page, name)
    expect(page.get_by_role("button", name="开始办理")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="开始办理").click()


def submit_and_follow(page: Page, consent: str, declaration: str = "本人承诺") -> str:
    heading(page, "提交前请核对")
    assert_no_violations(page)
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("link", name="请阅读并勾选承诺声明")).to_be_visible()
    expect(page.get_by_role("link", name="请勾选同意处理敏感个人信息")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("checkbox", name=re.compile(declaration)).check()
    page.get_by_role("checkbox", name=re.compile(consent)).check()
    page.get_by_role("button", name="提交申请").click()
    heading(page, "申请已提交")
    number = page.locator(".yw-panel strong").inner_text()
    assert re.fullmatch(r"\d{6}-\d{8}-\d{8}", number), number
    assert_no_violations(page)
    wait_idle(page)
    return number


def test_no_criminal_record_certificate(
    phone_ctx, app_db: Engine, base_url: str, backoffice_url: str
) -> None:
    owner = "sbx-person-0001"
    clear_drafts(app_db, owner)
    before = count_applications(app_db, owner)
    page = open_page(phone_ctx(), base_url, f"/item/{NO_RECORD}")
    from_the_guide(page, "无犯罪记录证明")
    sign_in(page, "张三")

    # applicant: prefilled and locked from identity; an invalid phone is refused
    heading(page, "申请人信息")
    expect(page.get_by_text("第 1 步，共 3 步")).to_be_visible()
    expect(page.get_by_text("3701**********002X")).to_be_visible()
    phone = page.get_by_role("textbox", name="联系电话")
    expect(phone).to_have_value("13800135678")
    phone.fill("1380013")
    continue_(page)
    summary = page.get_by_role("alert").filter(has_text="出现了问题")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name="联系电话应为 11 位手机号码，以 1 开头")
    ).to_be_visible()
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert_no_violations(page)
    phone.fill("13800135678")
    continue_(page)

    # the material condition, asked once; a reload keeps the answer
    heading(page, "您的情况")
    answer_no = page.get_by_role("radio", name="否")
    answer_no.check()
    expect(page.get_by_text("已自动保存")).to_be_visible()
    wait_idle(page)
    page.reload()
    page.locator('[data-hydrated="true"]').wait_for()
    heading(page, "您的情况")
    expect(page.get_by_text("已恢复您上次填写的内容")).to_be_visible()
    expect(page.get_by_role("radio", name="否")).to_be_checked()
    assert_no_violations(page)
    continue_(page)

    # materials: the ID card by e-licence (免提交); the conditional form is not asked for
    heading(page, "申请材料")
    expect(page.get_by_label("查询申请表")).to_have_count(0)
    expect(page.get_by_text(re.compile("您有可用的电子证照：居民身份证（张三）"))).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="使用电子证照，免于上传").click()
    expect(page.get_by_text("已使用电子证照，无需上传。")).to_be_visible()
    continue_(page)
    heading(page, "提交前请核对")
    expect(page.get_by_text("电子证照：居民身份证（张三）", exact=True)).to_be_visible()
    number = submit_and_follow(page, "我同意")
    assert count_applications(app_db, owner) == before + 1

    back_office_moves(backoffice_url, number, "accepted", note="沙箱后台受理")
    page.get_by_role("link", name="查看办理进度").click()
    heading(page, "无犯罪记录证明")
    timeline = page.get_by_role("region", name="办理进度")
    expect(timeline.get_by_text("已提交")).to_be_visible()
    expect(timeline.get_by_text("已受理", exact=True)).to_be_visible()
    expect(timeline.get_by_text("沙箱后台受理")).to_be_visible()
    assert_no_violations(page)


def test_a_conditional_material_is_asked_for_when_it_applies(
    phone_ctx, app_db: Engine, base_url: str
) -> None:
    owner = "sbx-person-0002"
    clear_drafts(app_db, owner)
    before = count_applications(app_db, owner)
    page = open_page(phone_ctx(), base_url, f"/item/{EMPLOYMENT}")
    from_the_guide(page, "就业登记")
    sign_in(page, "李秀英")
    heading(page, "申请人信息")
    continue_(page)
    heading(page, "您的情况")
    continue_(page)  # nothing chosen: an error names the question
    expect(page.get_by_role("link", name="请选择您是否属于这种情形：单位就业的")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("radio", name="是").check()
    continue_(page)
    heading(page, "申请材料")
    contract = page.get_by_label("劳动合同")
    expect(contract).to_be_visible()  # required because of the answer
    page.get_by_label("申请人居民身份证").set_input_files(
        {"name": "id.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    expect(page.get_by_text("已上传：id.png")).to_be_visible()
    continue_(page)
    expect(page.get_by_role("link", name="请上传劳动合同")).to_be_visible()
    assert_no_violations(page)
    page.get_by_label("劳动合同").set_input_files(
        {"name": "contract.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    expect(page.get_by_text("已上传：contract.png")).to_be_visible()
    continue_(page)
    heading(page, "提交前请核对")
    expect(page.get_by_text("contract.png")).to_be_visible()
    # change the answer: the contract is no longer part of the application
    page.get_by_role("button", name="修改您是否属于这种情形：单位就业的").click()
    heading(page, "您的情况")
    page.get_by_role("radio", name="否").check()
    continue_(page)
    heading(page, "提交前请核对")
    expect(page.get_by_text("contract.png")).to_have_count(0)
    submit_and_follow(page, "我同意")
    assert count_applications(app_db, owner) == before + 1
    page.get_by_role("link", name="查看办理进度").click()
    heading(page, "就业登记")
    assert_no_violations(page)


def test_a_business_item(phone_ctx, app_db: Engine, base_url: str) -> None:
    owner = "sbx-business-0001"
    clear_drafts(app_db, owner)
    before = count_applications(app_db, owner)
    page = open_page(phone_ctx(), base_url, f"/item/{INVOICE}")
    from_the_guide(page, "发票申领")
    sign_in(page, "赵建国")
    heading(page, "申请人信息")
    expect(page.get_by_text("济南泉城示例科技有限公司")).to_be_visible()
    expect(page.get_by_text("91370102MA3C4R7X2T")).to_be_visible()
    assert_no_violations(page)
    continue_(page)
    heading(page, "申请材料")
    page.get_by_label("经办人身份证件").set_input_files(
        {"name": "agent.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    expect(page.get_by_text("已上传：agent.png")).to_be_visible()
    assert_no_violations(page)
    continue_(page)
    submit_and_follow(page, "我同意", declaration="本单位承诺")
    assert count_applications(app_db, owner) == before + 1
    page.get_by_role("link", name="查看办理进度").click()
    heading(page, "发票申领")
    assert_no_violations(page)


def test_a_personal_account_cannot_open_a_business_application(phone_ctx, base_url: str) -> None:
    page = open_page(phone_ctx(), base_url, f"/apply/{INVOICE}")
    page.get_by_role("button", name="开始办理").click()
    sign_in(page, "李秀英")
    heading(page, "暂时不能在线办理")
    expect(page.get_by_text("本事项由企业办理，请退出后使用法人账号登录。")).to_be_visible()
    assert_no_violations(page)


def test_a_hand_written_form_still_wins(phone_ctx, base_url: str) -> None:
    page = open_page(phone_ctx(), base_url, f"/item/{FOR_VISIT}")
    heading(page, "居民身份证换领")
    page.get_by_role("link", name="在线办理").click()
    heading(page, "居民身份证换领")
    expect(page.get_by_role("button", name="开始办理")).to_be_visible()
