"""The application flow on a phone, against the production build and the sandbox IdP:
login only when the application starts, question pages with inline errors and a focused
error summary, a reload mid-form, uploads (oversized, lying extension, good), check your
answers with change links, a double submit that makes one application, progress after the
back office moves it, and the evaluation. axe on every page of the journey."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import time

from playwright.sync_api import Page, expect
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.flow.checkout_tables import Checkout, PaymentOrder
from app.flow.store import applications, drafts
from app.flow.tables import Application, Draft, StoredFile
from e2e.axe import assert_no_violations
from e2e.conftest import back_office_moves, open_page

ID_CARD = "001018000000-370102000000-000-11370102010133958H-8-00"
SOCIAL = "039048000000-370112000000-000-1137011251018695X7-8-00"
BIRTH = "004013000000-370202000000-000-11370202105316343P-3-00"
RESIDENCE = "005018000000-370103000000-000-11370103794392308X-8-00"


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 210, 230)).save(out, "PNG")
    return out.getvalue()


# What the app stored, read from the database the app under test uses (the app_db fixture:
# SQLite embedded, PostgreSQL scaled) with the app's own tables and queries.
def count_applications(db: Engine, owner: str) -> int:
    with Session(db) as s:
        return len(applications.list_applications(owner, session=s))


def clear_drafts(db: Engine, owner: str) -> None:
    """The owner's unfinished work: drafts, and checkouts not yet submitted (a delivery
    choice an earlier run left would skip the checkout's first step)."""
    with Session(db) as s:
        s.execute(delete(Draft).where(col(Draft.owner) == owner))
        unfinished = select(Checkout.id).where(
            col(Checkout.owner) == owner, col(Checkout.application_number) == ""
        )
        s.execute(delete(PaymentOrder).where(col(PaymentOrder.checkout_id).in_(unfinished)))
        s.execute(delete(Checkout).where(col(Checkout.id).in_(unfinished)))
        s.commit()


def wait_idle(page: Page) -> None:
    page.wait_for_load_state("networkidle")


def wait_saved(db: Engine, owner: str, item_code: str, name: str, value: str) -> None:
    """Until the app's draft holds this answer. 已自动保存 on screen may be an earlier field's
    save still showing: a reload before this field's own save ran would lose it."""
    deadline = time.monotonic() + 10
    while True:
        with Session(db) as s:
            draft = drafts.get_draft(owner, item_code, session=s)
            if draft is not None and draft.values.get(name) == value:
                return
        assert time.monotonic() < deadline, f"{name} not saved in the draft of {item_code}"
        time.sleep(0.1)


def sign_in(page: Page, account: str) -> None:
    """On the sandbox identity provider's page: pick the account and agree."""
    expect(page.get_by_role("heading", name="统一身份认证登录")).to_be_visible(timeout=20_000)
    page.get_by_role("radio", name=re.compile(account)).check()
    page.get_by_role("button", name="同意授权并登录").click()


def continue_(page: Page) -> None:
    page.get_by_role("button", name="继续", exact=True).click()


def heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible(timeout=20_000)


def situation(page: Page, condition: str, answer: str) -> None:
    """Answer the derived question on one 提交情形 (a group named by its condition)."""
    group = page.get_by_role("group", name=re.compile(condition))
    group.get_by_role("radio", name=answer, exact=True).check()


def test_person_journey(phone_ctx, app_db: Engine, base_url: str, backoffice_url: str) -> None:
    owner = "sbx-person-0001"
    clear_drafts(app_db, owner)
    before = count_applications(app_db, owner)
    page = open_page(phone_ctx(), base_url, f"/apply/{ID_CARD}")

    # intro: no login asked for until the application starts
    heading(page, "居民身份证换领")
    expect(page.get_by_text("15 个自然日")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="开始办理").click()
    sign_in(page, "张三")

    # step 1: identity prefilled, locked, ID number masked (the derived applicant step of the
    # extended form: applicant, 您的情况, the item's 换领原因 and 受理派出所, materials)
    heading(page, "申请人信息")
    expect(page.get_by_text("第 1 步，共 5 步")).to_be_visible()
    expect(page.get_by_text("3701**********002X")).to_be_visible()
    expect(page.get_by_text("37010219850312002X")).to_have_count(0)
    expect(page.get_by_role("textbox", name="联系电话")).to_have_value("13800135678")
    assert_no_violations(page)
    continue_(page)

    # step 2: one question per 提交情形 of the catalogue; they decide the materials asked for
    heading(page, "您的情况")
    situation(page, "不在窗口现场采集照片的", "是")
    situation(page, "委托他人代为办理的", "否")
    assert_no_violations(page)
    continue_(page)

    # step 3: an error, the summary takes focus and links to the field
    heading(page, "换领原因")
    continue_(page)
    summary = page.get_by_role("alert").filter(has_text="出现了问题")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^错误："))
    link = summary.get_by_role("link", name="请选择您为什么要换领身份证？")
    expect(link).to_be_visible()
    assert_no_violations(page)
    link.click()
    expect(page.get_by_role("radio", name="有效期满或即将期满")).to_be_focused()
    page.get_by_role("radio", name="有效期满或即将期满").check()
    date = page.get_by_label("现有身份证的有效期截止日期")  # shown by the answer above
    expect(date).to_be_visible()
    date.fill("2026-03-01")
    continue_(page)

    # step 4: answers survive a reload mid-form (saved on blur); no delivery question here
    # (the checkout asks how the card is received)
    heading(page, "受理派出所")
    expect(page.get_by_role("radio", name=re.compile("领取|邮寄"))).to_have_count(0)
    page.get_by_role("combobox", name="所在区县").first.select_option(label="济南市历下区")
    street = page.get_by_role("textbox", name="街道、小区和门牌号").first
    street.fill("历山路 101 号 历下派出所")
    street.blur()
    wait_saved(app_db, owner, ID_CARD, "station.detail", "历山路 101 号 历下派出所")
    page.reload()
    page.locator('[data-hydrated="true"]').wait_for()
    heading(page, "受理派出所")
    expect(page.get_by_text("已恢复您上次填写的内容")).to_be_visible()
    expect(page.get_by_role("textbox", name="街道、小区和门牌号").first).to_have_value(
        "历山路 101 号 历下派出所"
    )
    assert_no_violations(page)
    continue_(page)

    # step 5: every material of the item: the ID card by e-licence, the 户口簿 and the photo
    # (asked because of the answer above) uploaded — too big, a lying extension, then good
    heading(page, "申请材料")
    expect(page.get_by_label("授权委托书及受托人身份证件")).to_have_count(0)
    expect(page.get_by_text(re.compile("您有可用的电子证照：居民身份证（张三）"))).to_be_visible()
    page.get_by_role("button", name="使用电子证照，免于上传").click()
    expect(page.get_by_text("已使用电子证照，无需上传。")).to_be_visible()
    page.get_by_label("居民户口簿").set_input_files(
        {"name": "hukou.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    expect(page.get_by_text("已上传：hukou.png")).to_be_visible()
    photo = page.get_by_label("近期免冠证件照片")
    status = page.get_by_role("status").filter(has_text=re.compile("上传|MB|文件"))
    photo.set_input_files(
        {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + b"0" * (11 << 20)}
    )
    expect(page.get_by_text(re.compile("文件超过 10 MB"))).to_be_visible(timeout=30_000)
    photo.set_input_files({"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 x"})
    expect(page.get_by_text("文件的扩展名和内容不符，请上传原始文件。")).to_be_visible()
    continue_(page)
    expect(page.get_by_role("link", name="请上传近期免冠证件照片")).to_be_visible()
    photo = page.get_by_label("近期免冠证件照片")
    photo.set_input_files({"name": "me.png", "mimeType": "image/png", "buffer": png_bytes()})
    expect(page.get_by_text("已上传：me.png")).to_be_visible()
    del status
    assert_no_violations(page)
    continue_(page)

    # check your answers, a change link, then back to the check page
    heading(page, "提交前请核对")
    expect(page.get_by_text("3701**********002X")).to_be_visible()
    expect(page.get_by_text("有效期满或即将期满")).to_be_visible()
    expect(page.get_by_text("电子证照：居民身份证（张三）", exact=True)).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="修改您为什么要换领身份证？").click()
    heading(page, "换领原因")
    page.get_by_role("radio", name="证件损坏无法辨认").check()
    continue_(page)
    heading(page, "提交前请核对")
    expect(page.get_by_text("证件损坏无法辨认")).to_be_visible()

    # declaration and consent are required, then a double tap submits once
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("link", name="请阅读并勾选承诺声明")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("本人承诺")).check()
    page.get_by_role("checkbox", name=re.compile("我同意公安机关")).check()
    page.get_by_role("button", name="提交申请").dblclick()
    # the item supports express delivery (issue 15): how to receive it, then a double tap
    heading(page, "选择领取方式")
    page.get_by_role("radio", name="到窗口领取").check()
    continue_(page)
    heading(page, "确认并提交")
    page.get_by_role("button", name="提交申请").dblclick()
    heading(page, "申请已提交")
    number = page.locator(".yw-panel strong").inner_text()
    assert re.fullmatch(r"370102-\d{8}-\d{8}", number), number
    assert_no_violations(page)
    wait_idle(page)
    assert count_applications(app_db, owner) == before + 1

    # progress after the sandbox back office moves it (its operator endpoint), then the
    # evaluation; the progress page fetches the changes through the back-office adapter
    for status_ in ("accepted", "reviewing", "completed"):
        back_office_moves(backoffice_url, number, status_, note="沙箱后台办理")
    page.get_by_role("link", name="查看办理进度").click()
    heading(page, "居民身份证换领")
    timeline = page.get_by_role("region", name="办理进度")
    for label in ("已提交", "已受理", "审查中", "已办结"):
        expect(timeline.get_by_text(label)).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("radio", name="非常不满意").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text(re.compile("请告诉我们不满意的原因"))).to_be_visible()
    page.get_by_role("textbox", name=re.compile("原因或建议")).fill("窗口排队时间太长")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("您的评价：非常不满意")).to_be_visible()
    expect(page.get_by_role("button", name="提交评价")).to_have_count(0)

    # 我的 lists it, with the ID number masked until revealed
    page.goto(base_url + "/me")
    page.locator('[data-hydrated="true"]').wait_for()
    progress = page.get_by_role("region", name="我的办件")
    expect(progress.get_by_text(f"已办结 · 办件编号 {number}")).to_be_visible()
    expect(page.get_by_text("3701**********002X")).to_be_visible()
    page.get_by_role("button", name="显示完整的证件号码和手机号").click()
    expect(page.get_by_text("37010219850312002X")).to_be_visible()
    assert_no_violations(page)


def test_business_journey_resumes_on_another_device(
    phone_ctx, app_db: Engine, base_url: str, backoffice_url: str
) -> None:
    owner = "sbx-business-0001"
    clear_drafts(app_db, owner)
    before = count_applications(app_db, owner)
    first = open_page(phone_ctx(), base_url, f"/apply/{SOCIAL}")
    heading(first, "单位社会保险参保登记")
    first.get_by_role("button", name="开始办理").click()
    sign_in(first, "赵建国")
    # the unit and its agent from the legal-person identity; an invalid phone is refused
    heading(first, "申请人信息")
    expect(first.get_by_text("济南泉城示例科技有限公司")).to_be_visible()
    phone = first.get_by_role("textbox", name="联系电话")
    phone.fill("0531-88")
    continue_(first)
    expect(first.get_by_role("link", name="联系电话应为 11 位手机号码，以 1 开头")).to_be_visible()
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert_no_violations(first)
    phone.fill("13705310909")
    continue_(first)
    heading(first, "单位信息")
    first.get_by_role("combobox", name="单位类型").select_option(label="企业")
    first.get_by_role("combobox", name="所在区县").select_option(label="济南市历城区")
    street = first.get_by_role("textbox", name="街道、小区和门牌号")
    street.fill("工业北路 88 号")
    street.blur()
    wait_saved(app_db, owner, SOCIAL, str(street.get_attribute("name")), "工业北路 88 号")

    # another phone: log in from 我的's draft list and carry on where the first one stopped
    second = open_page(phone_ctx(), base_url, f"/apply/{SOCIAL}")
    second.get_by_role("button", name="开始办理").click()
    sign_in(second, "赵建国")
    heading(second, "单位信息")
    expect(second.get_by_role("textbox", name="街道、小区和门牌号")).to_have_value("工业北路 88 号")
    assert_no_violations(second)
    continue_(second)
    heading(second, "参保险种")
    second.get_by_role("checkbox", name="职工基本养老保险").check()
    second.get_by_role("checkbox", name="工伤保险").check()
    second.get_by_label("参保起始日期").fill("2026-12-01")
    second.get_by_role("combobox", name="首批参保职工人数").select_option(label="10 至 49 人")
    continue_(second)
    # the materials: the unit's 营业执照 by e-licence, the representative's ID uploaded
    heading(second, "申请材料")
    expect(
        second.get_by_text(re.compile("您有可用的电子证照：营业执照（济南泉城示例科技有限公司）"))
    ).to_be_visible()
    second.get_by_role("button", name="使用电子证照，免于上传").click()
    expect(second.get_by_text("已使用电子证照，无需上传。")).to_be_visible()
    continue_(second)
    expect(second.get_by_role("link", name="请上传法定代表人身份证件")).to_be_visible()
    second.get_by_label("法定代表人身份证件").set_input_files(
        {"name": "rep.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    expect(second.get_by_text("已上传：rep.png")).to_be_visible()
    assert_no_violations(second)
    continue_(second)
    heading(second, "提交前请核对")
    expect(second.get_by_text("职工基本养老保险、工伤保险")).to_be_visible()
    second.get_by_role("checkbox", name=re.compile("本单位承诺")).check()
    second.get_by_role("checkbox", name=re.compile("我同意社会保险经办机构")).check()
    # a resent request: the same submission sent twice in one tick (both reach the server)
    submit = second.get_by_role("button", name="提交申请")
    submit.evaluate("(button) => { button.click(); button.click(); button.click(); }")
    heading(second, "申请已提交")
    wait_idle(second)
    assert count_applications(app_db, owner) == before + 1

    number = second.locator(".yw-panel strong").inner_text()

    # the back office returns it for correction; the citizen supplies the material
    back_office_moves(backoffice_url, number, "returned", note="请补充单位营业执照副本")
    second.get_by_role("link", name="查看办理进度").click()
    correction = second.get_by_role("region", name="补正材料")
    expect(correction.get_by_text("请补充单位营业执照副本")).to_be_visible()
    assert_no_violations(second)
    correction.get_by_role("button", name="提交补正材料").click()
    expect(second.get_by_text("请先上传补正材料。")).to_be_visible()
    correction.get_by_label("补正材料").set_input_files(
        {"name": "licence.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    expect(correction.get_by_text("已上传：licence.png")).to_be_visible()
    correction.get_by_role("button", name="提交补正材料").click()
    expect(second.get_by_text("补正材料已提交，请等待办理部门重新审查。")).to_be_visible()
    timeline = second.get_by_role("region", name="办理进度")
    expect(timeline.get_by_text("退回补正")).to_be_visible()
    expect(timeline.get_by_text("已补正材料")).to_be_visible()

    # the correction reached the back office (sent by the adapter), which accepts it now
    back_office_moves(backoffice_url, number, "accepted", note="补正后受理")
    second.reload()
    second.locator('[data-hydrated="true"]').wait_for()
    timeline = second.get_by_role("region", name="办理进度")
    expect(timeline.get_by_text("已受理")).to_be_visible()
    expect(timeline.get_by_text("补正后受理")).to_be_visible()

    # 我的 on the second phone: the application and its messages, no draft left
    second.goto(base_url + "/me")
    second.locator('[data-hydrated="true"]').wait_for()
    progress = second.get_by_role("region", name="我的办件")
    expect(progress.get_by_role("link", name="单位社会保险参保登记").first).to_be_visible()
    drafts = second.get_by_role("region", name="我的草稿")
    expect(drafts.get_by_role("link", name="单位社会保险参保登记")).to_have_count(0)
    messages = second.get_by_role("region", name="消息")
    expect(messages.get_by_role("link", name=re.compile(f"{number}）：退回补正"))).to_be_visible()
    assert_no_violations(second)


def test_drafts_are_listed_and_deleted(phone_ctx, app_db: Engine, base_url: str) -> None:
    owner = "sbx-person-0002"
    clear_drafts(app_db, owner)
    page = open_page(phone_ctx(), base_url, "/apply/yjs-birth")
    heading(page, "出生一件事")
    expect(page.get_by_text("新生儿参加城乡居民医保")).to_be_visible()
    page.get_by_role("button", name="开始办理").click()
    sign_in(page, "李秀英")
    heading(page, "申报人信息")
    page.get_by_role("radio", name="母亲").check()
    expect(page.get_by_text("已自动保存")).to_be_visible()
    wait_idle(page)
    page.goto(base_url + "/me")
    page.locator('[data-hydrated="true"]').wait_for()
    drafts = page.get_by_role("region", name="我的草稿")
    expect(drafts.get_by_role("link", name="出生一件事")).to_be_visible()
    assert_no_violations(page)
    drafts.get_by_role("button", name="删除草稿：出生一件事").click()
    expect(page.get_by_text("草稿已删除。")).to_be_visible()
    expect(drafts.get_by_role("link", name="出生一件事")).to_have_count(0)


def stored_file_of(db: Engine, owner: str) -> StoredFile:
    """A file of ``owner`` as an upload leaves it: the row in the app's database, the bytes in
    the app's private folder (this checkout's, as for the app under test)."""
    from datetime import UTC, datetime

    from app.flow import files

    data = png_bytes()
    row = StoredFile(
        id=secrets.token_hex(16),
        owner=owner,
        name="身份证.png",
        content_type="image/png",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan="clean",
        created_at=datetime.now(UTC),
    )
    (files.files_dir() / row.id).write_bytes(data)
    with Session(db, expire_on_commit=False) as s:
        s.add(row)
        s.commit()
    return row


def application_of(db: Engine, owner: str) -> Application:
    """A submitted application of ``owner``, made with the app's own store."""
    with Session(db, expire_on_commit=False) as s:
        application, _ = applications.submit(
            owner,
            f"e2e-{secrets.token_hex(12)}",
            item_code=RESIDENCE,
            form_key="residence",
            item_name="居住证申领",
            department="济南市公安局",
            area_code="370103",
            values={},
            promised_days=5,
            session=s,
        )
    return application


def test_files_are_served_to_their_owner_only(phone_ctx, app_db: Engine, base_url: str) -> None:
    row = stored_file_of(app_db, "sbx-person-0001")
    page = phone_ctx()
    anonymous = page.request.get(f"{base_url}/flow/files/{row.id}")
    assert anonymous.status == 401
    other = open_page(page, base_url, "/apply/yjs-birth")
    other.get_by_role("button", name="开始办理").click()
    sign_in(other, "王芳")
    other.locator('[data-hydrated="true"]').wait_for()
    answer = other.request.get(f"{base_url}/flow/files/{row.id}")
    assert answer.status == 404
    owner = open_page(phone_ctx(), base_url, "/apply/yjs-birth")
    owner.get_by_role("button", name="开始办理").click()
    sign_in(owner, "张三")
    owner.locator('[data-hydrated="true"]').wait_for()
    mine = owner.request.get(f"{base_url}/flow/files/{row.id}")
    assert mine.status == 200
    assert hashlib.sha256(mine.body()).hexdigest() == row.sha256


def test_another_citizens_application_is_not_shown(
    phone_ctx, app_db: Engine, base_url: str
) -> None:
    row = application_of(app_db, "sbx-person-0001")
    page = open_page(phone_ctx(), base_url, f"/me/applications/{row.number}")
    expect(page.get_by_text("请登录后查看您的办件。")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="登录").click()
    sign_in(page, "王芳")
    page.wait_for_url(re.compile(r"/me/applications/"))
    page.locator('[data-hydrated="true"]').wait_for()
    expect(page.get_by_text("没有找到这件申请。")).to_be_visible()
    expect(page.get_by_text(row.number)).to_have_count(0)


def test_idle_warning_at_13_minutes_and_extend(phone_ctx, app_db: Engine, base_url: str) -> None:
    from datetime import datetime

    clear_drafts(app_db, "sbx-person-0002")
    page = open_page(phone_ctx(), base_url, f"/apply/{RESIDENCE}")
    page.get_by_role("button", name="开始办理").click()
    sign_in(page, "李秀英")
    heading(page, "申请人信息")
    wait_idle(page)
    page.clock.install()  # a controllable clock from the next page load on
    page.reload()
    page.locator('[data-hydrated="true"]').wait_for()
    heading(page, "申请人信息")
    warning = page.get_by_role("alert").filter(has_text="13 分钟没有操作")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("12:00")
    page.clock.run_for(6_000)
    expect(warning).to_be_hidden()
    page.clock.fast_forward("01:30")  # 13.5 minutes idle
    page.clock.run_for(6_000)
    expect(warning).to_be_visible()
    assert_no_violations(page)
    page.clock.set_system_time(datetime.now())  # the server's clock never moved
    warning.get_by_role("button", name="继续办理").click()
    page.clock.run_for(6_000)
    expect(warning).to_be_hidden()


def test_real_name_level_too_low_is_explained(phone_ctx, base_url: str) -> None:
    page = open_page(phone_ctx(), base_url, f"/apply/{RESIDENCE}")
    page.get_by_role("button", name="开始办理").click()
    sign_in(page, "王芳")
    heading(page, "暂时不能在线办理")
    expect(
        page.get_by_text(re.compile("需要二级实名或更高的实名等级，您的账号是一级实名"))
    ).to_be_visible()
    assert_no_violations(page)


def test_e_licence_replaces_an_upload(phone_ctx, app_db: Engine, base_url: str) -> None:
    owner = "sbx-person-0002"
    clear_drafts(app_db, owner)
    before = count_applications(app_db, owner)
    page = open_page(phone_ctx(), base_url, f"/apply/{BIRTH}")
    page.get_by_role("button", name="开始办理").click()
    sign_in(page, "李秀英")
    heading(page, "申报人信息")
    page.get_by_role("radio", name="母亲").check()
    continue_(page)
    heading(page, "您的情况")
    situation(page, "父母已婚的", "是")
    continue_(page)
    heading(page, "新生儿信息")
    page.get_by_role("textbox", name="新生儿姓名").fill("张小满")
    page.get_by_role("radio", name="女").check()
    page.get_by_label("出生日期").fill("2026-10-06")
    page.get_by_role("textbox", name="出生医学证明编号").fill("Q370123456")
    continue_(page)
    heading(page, "落户地址")
    page.get_by_role("combobox", name="所在区县").select_option(label="青岛市市南区")
    page.get_by_role("textbox", name="街道、小区和门牌号").fill("香港中路 10 号")
    page.get_by_role("textbox", name="新生儿另一方父母的公民身份号码").fill("370102197801011513")
    continue_(page)
    heading(page, "申请材料")
    expect(
        page.get_by_text(re.compile("您有可用的电子证照：出生医学证明（张小满）"))
    ).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="使用电子证照，免于上传").click()
    expect(page.get_by_text("已使用电子证照，无需上传。")).to_be_visible()
    # the other materials of the item (父母结婚证 because the parents are married)
    for material in ("父母居民身份证", "居民户口簿", "父母结婚证"):
        page.get_by_label(material).set_input_files(
            {"name": f"{material}.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
        expect(page.get_by_text(f"已上传：{material}.png")).to_be_visible()
    continue_(page)
    heading(page, "提交前请核对")
    expect(page.get_by_text("电子证照：出生医学证明（张小满）")).to_be_visible()
    expect(page.get_by_text("3701**********1513")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("本人承诺")).check()
    page.get_by_role("checkbox", name=re.compile("我同意公安机关")).check()
    page.get_by_role("button", name="提交申请").click()
    heading(page, "申请已提交")
    expect(page.get_by_text("即办（当场办结）")).to_be_visible()
    wait_idle(page)
    assert count_applications(app_db, owner) == before + 1
