"""Payment and delivery on a phone (issue 15), against the production build, the sandbox
cashier and the sandbox logistics service on loopback: a paid item with a double tap on pay,
a cancelled payment and a retry, the cashier's notification arriving before the browser
returns, the receipt on the application and in 我的, a delivered result whose tracking states
land on the timeline and as messages, and another citizen who sees none of it. axe on every
payment and delivery page."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.flow.checkout_tables import Checkout, Delivery, PaymentOrder
from app.flow.store import drafts
from app.flow.tables import Draft
from e2e.axe import assert_no_violations
from e2e.browser import device_context_args
from e2e.conftest import back_office_moves, open_page
from e2e.test_flow import png_bytes

#: 机动车驾驶证期满换证 (济南): ¥10 工本费, payable online, express delivery
DRIVER = "006021000000-370100000000-000-113701009523774382-1-00"
OWNER = "sbx-person-0002"


@pytest.fixture
def phone_ctx(browser: Browser, playwright: Playwright):
    contexts = []

    def make() -> Page:
        context = browser.new_context(**device_context_args(playwright, "Pixel 7"))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible(timeout=20_000)


def sign_in(page: Page, account: str) -> None:
    expect(page.get_by_role("heading", name="统一身份认证登录")).to_be_visible(timeout=20_000)
    page.get_by_role("radio", name=re.compile(account)).check()
    page.get_by_role("button", name="同意授权并登录").click()


def continue_(page: Page) -> None:
    page.get_by_role("button", name="继续", exact=True).click()


def reset(db: Engine, owner: str, item: str) -> None:
    """Start from no draft, checkout or order of this citizen for this item."""
    with Session(db) as s:
        ids = [c.id for c in s.exec(select(Checkout).where(Checkout.owner == owner)).all()]
        if ids:
            s.execute(delete(PaymentOrder).where(col(PaymentOrder.checkout_id).in_(ids)))
            s.execute(delete(Checkout).where(col(Checkout.id).in_(ids)))
        s.execute(delete(Draft).where(col(Draft.owner) == owner, col(Draft.item_code) == item))
        # no earlier address to prefill from (tests/flow/test_delivery.py covers the prefill)
        s.execute(delete(Delivery).where(col(Delivery.owner) == owner))
        s.commit()


def orders(db: Engine, owner: str) -> list[PaymentOrder]:
    with Session(db) as s:
        stmt = (
            select(PaymentOrder).where(PaymentOrder.owner == owner).order_by(col(PaymentOrder.id))
        )
        return list(s.exec(stmt).all())


def has_draft(db: Engine, owner: str, item: str) -> bool:
    with Session(db) as s:
        return drafts.get_draft(owner, item, session=s) is not None


def fill_form(page: Page) -> None:
    heading(page, "申请人信息")
    continue_(page)
    heading(page, "驾驶证信息")
    page.get_by_role("combobox", name="准驾车型").select_option(label="C1 小型汽车")
    page.get_by_label("现驾驶证有效期截止日期").fill("2027-01-20")
    # the form asks nothing about delivery or the fee: the checkout owns both
    expect(page.get_by_role("radio", name=re.compile("领取|邮寄|快递"))).to_have_count(0)
    continue_(page)
    # every material of the item: the ID card and the health check (no e-licence of hers)
    heading(page, "申请材料")
    for material in ("申请人居民身份证", "身体条件证明"):
        page.get_by_label(material).set_input_files(
            {"name": f"{material}.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
        expect(page.get_by_text(f"已上传：{material}.png")).to_be_visible()
    continue_(page)
    heading(page, "提交前请核对")
    page.get_by_role("checkbox", name=re.compile("本人承诺")).check()
    page.get_by_role("checkbox", name=re.compile("我同意公安机关")).check()
    page.get_by_role("button", name="提交申请").click()


def test_paid_and_delivered_journey(
    phone_ctx,
    app_db: Engine,
    base_url: str,
    backoffice_url: str,
    cashier_url: str,
    logistics_url: str,
) -> None:
    reset(app_db, OWNER, DRIVER)
    page = open_page(phone_ctx(), base_url, f"/apply/{DRIVER}")
    heading(page, "机动车驾驶证期满换证")
    page.get_by_role("button", name="开始办理").click()
    sign_in(page, "李秀英")
    fill_form(page)

    # delivery: the choice is required, then an express address with its errors
    heading(page, "选择领取方式")
    assert_no_violations(page)
    continue_(page)
    summary = page.get_by_role("alert").filter(has_text="出现了问题")
    expect(summary.get_by_role("link", name="请选择领取方式")).to_be_visible()
    page.get_by_role("radio", name="到窗口领取").check()
    expect(page.get_by_text("济南市民中心政务服务大厅车驾管窗口")).to_be_visible()
    expect(page.get_by_text("周一至周五 9:00-12:00，13:30-17:00（法定节假日除外）")).to_be_visible()
    expect(page.get_by_text("申请人居民身份证")).to_be_visible()  # an original to bring
    page.get_by_role("radio", name="快递送达（免费邮寄）").check()
    page.get_by_role("textbox", name="收件人手机号").fill("12")
    continue_(page)
    expect(
        page.get_by_role("link", name="收件人手机号应为 11 位手机号码，以 1 开头")
    ).to_be_visible()
    expect(page.get_by_role("link", name="请选择收件地址所在区县")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("textbox", name="收件人", exact=True).fill("李秀英")
    page.get_by_role("textbox", name="收件人手机号").fill("13905321234")
    page.get_by_role("combobox", name="所在区县").select_option(label="济南市历下区")
    page.get_by_role("textbox", name="街道、小区和门牌号").fill("泉城路 188 号 2 单元 301")
    continue_(page)

    # payment: the fee from the catalogue, formatted; a double tap opens one order
    heading(page, "缴纳费用")
    expect(page.get_by_text("机动车驾驶证工本费")).to_be_visible()
    expect(page.get_by_text("快递送达", exact=True)).to_be_visible()
    address = page.get_by_text("李秀英，139****1234，济南市历下区泉城路 188 号")
    expect(address).to_have_attribute("lang", "zh-Hans")  # data, shown as it is
    assert_no_violations(page)
    page.get_by_role("button", name="去支付 ¥10.00").dblclick()
    heading(page, "统一支付收银台")
    expect(page.get_by_text("¥10.00")).to_be_visible()
    assert len(orders(app_db, OWNER)) == 1

    # cancelled: a clear message, nothing submitted, the draft kept, a retry
    page.get_by_role("button", name="取消支付").click()
    heading(page, "支付已取消")
    expect(page.get_by_text("您已取消支付，没有扣款。")).to_be_visible()
    assert_no_violations(page)
    assert has_draft(app_db, OWNER, DRIVER)
    assert [o.status for o in orders(app_db, OWNER)] == ["cancelled"]
    page.get_by_role("button", name="重新支付 ¥10.00").click()
    heading(page, "统一支付收银台")

    # the browser never makes it back at first (the phone lost its signal as the citizen
    # paid): the cashier's notification alone pays and submits, before any return
    open_order = orders(app_db, OWNER)[-1]
    assert page.url == open_order.pay_url
    answer = httpx.post(open_order.pay_url, data={"action": "pay"}, timeout=20)
    assert answer.status_code == 303 and "?order=" in answer.headers["location"]
    paid = orders(app_db, OWNER)[-1]
    assert paid.status == "paid" and paid.application_number and paid.receipt_no
    assert not has_draft(app_db, OWNER, DRIVER)
    # a second tap on the cashier's pay button (the page was still open): nothing more
    page.get_by_role("button", name="确认支付").click()
    page.wait_for_url(re.compile(r"/checkout/.*\?order="))
    heading(page, "申请已提交")
    expect(page.get_by_text(paid.application_number)).to_be_visible()
    expect(page.get_by_text(paid.receipt_no)).to_be_visible()
    expect(page.get_by_text("已缴费 ¥10.00")).to_be_visible()
    assert_no_violations(page)
    at_cashier = httpx.get(f"{cashier_url}/operator/orders", timeout=10).json()["orders"]
    mine = {o.order_no for o in orders(app_db, OWNER)}
    assert sum(o["payments"] for o in at_cashier if o["order_no"] in mine) == 1
    # a resent notification changes nothing
    httpx.post(f"{cashier_url}/operator/orders/{paid.order_no}/notify", timeout=10)
    assert [o.status for o in orders(app_db, OWNER)] == ["cancelled", "paid"]
    number = paid.application_number

    # not completed yet: the progress page says the courier is booked once it is
    page.get_by_role("link", name="查看办理进度").click()
    heading(page, "机动车驾驶证期满换证")
    expect(page.get_by_text("尚未预约快递：办结后将为您预约快递。")).to_be_visible()
    assert_no_violations(page)

    # completed by the back office: dispatched, tracked through every courier status
    for status_ in ("accepted", "reviewing", "completed"):
        back_office_moves(backoffice_url, number, status_, note="沙箱后台办理")
    page.reload()
    page.locator('[data-hydrated="true"]').wait_for()
    heading(page, "机动车驾驶证期满换证")
    expect(page.get_by_text(f"电子票据号{paid.receipt_no}")).to_be_visible()
    tracking = page.get_by_text(re.compile(r"快递单号 YW\d+：已交寄"))
    expect(tracking).to_be_visible()
    tracking_no = re.search(r"YW\d+", tracking.inner_text()).group(0)  # type: ignore[union-attr]
    for _ in range(4):
        moved = httpx.post(f"{logistics_url}/operator/shipments/{tracking_no}/advance", timeout=10)
        assert moved.status_code == 200, moved.text
    page.reload()
    page.locator('[data-hydrated="true"]').wait_for()
    timeline = page.get_by_role("region", name="办理进度")
    for label in (
        "已提交",
        "已缴费",
        "已办结",
        "已交寄",
        "快递已揽收",
        "运输中",
        "派送中",
        "已签收",
    ):
        expect(timeline.get_by_text(label, exact=True)).to_be_visible()
    expect(page.get_by_text(f"快递单号 {tracking_no}：已签收")).to_be_visible()
    assert_no_violations(page)

    # 我的: the receipt number and the tracking as a message
    page.goto(base_url + "/me")
    page.locator('[data-hydrated="true"]').wait_for()
    expect(page.get_by_text(f"电子票据号 {paid.receipt_no}")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(f"{number}）：已签收"))).to_be_visible()
    assert_no_violations(page)

    # another citizen: not the application, its receipt, its tracking nor the checkout
    other = open_page(phone_ctx(), base_url, f"/me/applications/{number}")
    other.get_by_role("button", name="登录").click()
    sign_in(other, "张三")
    other.wait_for_url(re.compile(r"/me/applications/"))
    other.locator('[data-hydrated="true"]').wait_for()
    expect(other.get_by_text("没有找到这件申请。")).to_be_visible()
    expect(other.get_by_text(paid.receipt_no)).to_have_count(0)
    expect(other.get_by_text(tracking_no)).to_have_count(0)
    other.goto(f"{base_url}/checkout/{DRIVER}?order={paid.order_no}")
    other.locator('[data-hydrated="true"]').wait_for()
    heading(other, "没有待缴费或待确认的申请")
    expect(other.get_by_text(paid.receipt_no)).to_have_count(0)
