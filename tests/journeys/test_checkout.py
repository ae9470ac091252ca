"""The checkout's journey (app.journeys.checkout) without Reflex: a real SQLite database, the
cashier sandbox and the app's notification route on loopback. The stages
(app.flow.checkout.stage), the delivery choice, one payment per application, the submission
once delivery is chosen and payment made; another citizen's checkout is never theirs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select

from app.context import RequestContext
from app.domain.identity import Identity
from app.flow import checkout as rules
from app.flow.areas import divisions
from app.flow.checkout_tables import PaymentOrder
from app.flow.payment_http import NOTIFY_PATH
from app.flow.store import applications
from app.flow.tables import Application
from app.journeys import checkout
from app.journeys.checkout_views import ERROR_SUMMARY_ID, HEADING_ID, CheckoutTab, CheckoutView
from app.text import pick
from tests.factories import CODE, item
from tests.flow.test_payment import _pay_at_cashier, app_notify, cashier_url
from tests.journeys.conftest import ALICE, BOB, put_item
from tests.sandbox_server import free_port

__all__ = ["app_notify", "cashier_url"]  # the payment tests' sandbox fixtures

Context = Callable[[Identity | None], RequestContext]
SNAPSHOT = {
    "item_code": CODE,
    "form_key": "000101001000",
    "item_name": "居民身份证换领",
    "department": "济南市公安局",
    "area_code": "370100000000",
    "values": {"name": "张三"},
    "promised_days": 15,
}


def zh(text: str) -> str:
    return pick(text, "zh_Hans")


class Page:
    """One tab on ``/checkout/<code>``: what each view changed, copied as CheckoutState does."""

    def __init__(self, ctx: RequestContext, code: str = CODE) -> None:
        self.ctx, self.code = ctx, code
        self.vars: dict[str, Any] = {"stage": "loading"}
        self.last: CheckoutView | None = None

    @property
    def tab(self) -> CheckoutTab:
        keep = ("stage", "item_code", "hall_name", "notice", "phone_shown", "prefill_phone")
        return CheckoutTab(self.code, **{k: self.vars[k] for k in keep if k in self.vars})

    def take(self, view: CheckoutView) -> CheckoutView:
        self.last = view
        for name, value in view.__dict__.items():
            if value is not None and name not in ("focus", "redirect"):
                self.vars[name] = value
        return view

    def __getattr__(self, name: str) -> Any:
        return self.vars.get(name)

    def run(self, journey: Any, *args: Any) -> CheckoutView:
        return self.take(asyncio.run(journey(self.ctx, self.tab, *args, run=asyncio.to_thread)))

    def do(self, journey: Any, *args: Any) -> CheckoutView:
        return self.take(journey(self.ctx, self.tab, *args))


@pytest.fixture
def held(journey_db: Session) -> Callable[..., str]:
    """Alice's checkout of an item with a 20 yuan fee (payable online, unless ``paid`` is
    false) and express delivery, as her check page holds it."""

    def hold(paid: bool = True, owner: str = "alice") -> str:
        put_item(journey_db, item(online_payment=paid, express_delivery=True))
        rules.hold(owner, CODE, "k" * 32, SNAPSHOT, needs_payment=paid, needs_delivery=True)
        return CODE

    return hold


def _origin(app_notify: str) -> str:
    return app_notify.removesuffix(NOTIFY_PATH)


def _collect(page: Page) -> None:
    page.do(checkout.choose_delivery, {"method": "collect"})


# -- opening -------------------------------------------------------------------------------------
def test_signed_out_the_page_asks_to_sign_in(signed_in: Context, held: Callable[..., str]) -> None:
    held()
    page = Page(signed_in(None))
    page.run(checkout.load)
    assert page.stage == "signin" and zh(page.item_name) == "居民身份证换领"
    assert page.fees is None  # nothing of the checkout is shown
    assert checkout.sign_in(f" {CODE} ") == f"/checkout/{CODE}"


def test_another_citizens_checkout_is_not_theirs(
    signed_in: Context, held: Callable[..., str]
) -> None:
    held()
    bob = Page(signed_in(BOB))
    bob.run(checkout.load)
    assert bob.stage == "missing"
    bob.do(checkout.choose_delivery, {"method": "collect"})
    assert bob.stage == "missing"
    bob.run(checkout.confirm)
    assert bob.stage == "missing"
    row = rules.open_for("alice", CODE)
    assert row is not None and row.delivery == {}
    nothing = Page(signed_in(ALICE), "no-such-item")
    nothing.run(checkout.load)
    assert nothing.stage == "missing"


# -- the delivery choice -------------------------------------------------------------------------
def test_the_delivery_form_says_what_is_wrong_then_keeps_the_choice(
    signed_in: Context, held: Callable[..., str]
) -> None:
    held()
    page = Page(signed_in(ALICE))
    page.run(checkout.load)
    assert page.stage == "delivery" and page.needs_payment and page.needs_delivery
    assert [(zh(f.name), zh(f.amount)) for f in page.fees] == [("换领工本费", "¥20.00")]
    assert page.hall_name == "户籍窗口"
    view = page.do(checkout.choose_delivery, {"method": "express", "recipient": ""})
    assert view.focus is not None and view.focus.element_id == ERROR_SUMMARY_ID
    assert set(page.field_errors) == {"recipient", "phone", "division", "detail"}
    assert [e.target for e in page.errors] == ["d-recipient", "d-phone", "d-division", "d-detail"]
    assert page.method == "express" and page.stage == "delivery"
    county = divisions("37")[0][0]
    express = {"method": "express", "recipient": "张三", "phone": ALICE.phone}
    view = page.do(checkout.choose_delivery, {**express, "division": county, "detail": "经十路1号"})
    assert view.focus is not None and view.focus.element_id == HEADING_ID
    assert page.stage == "pay" and page.errors == () and zh(page.delivery_text) == "快递送达"
    assert "经十路1号" in page.delivery_place
    # the form again: the phone is prefilled masked; left as it was, the stored one stands
    page.do(checkout.change_delivery)
    assert page.stage == "delivery" and page.phone_shown != ALICE.phone
    again = {**express, "phone": page.phone_shown, "division": county, "detail": "经十路2号"}
    page.do(checkout.choose_delivery, again)
    row = rules.open_for("alice", CODE)
    assert row is not None and row.delivery["phone"] == ALICE.phone
    assert row.delivery["detail"] == "经十路2号"
    assert checkout.chosen_method("collect") == "collect" and checkout.chosen_method("x") == ""


def test_an_unpaid_item_is_submitted_once_on_confirm(
    signed_in: Context, held: Callable[..., str], journey_db: Session
) -> None:
    held(paid=False)
    page = Page(signed_in(ALICE))
    page.run(checkout.load)
    _collect(page)
    assert page.stage == "confirm" and zh(page.delivery_text) == "窗口领取"
    assert page.delivery_place == "户籍窗口"
    page.run(checkout.confirm)
    number = page.application_number
    assert page.stage == "done" and number
    app = applications.get_application("alice", number)
    assert app is not None and app.values == {"name": "张三"}
    page.run(checkout.confirm)  # a double tap: the same application
    assert page.application_number == number
    assert len(journey_db.exec(select(Application)).all()) == 1
    page.do(checkout.change_delivery)  # submitted: the choice stays
    assert page.stage == "done"


# -- paying --------------------------------------------------------------------------------------
def test_pay_once_at_the_cashier_then_the_application_is_in(
    signed_in: Context,
    held: Callable[..., str],
    cashier_url: str,
    app_notify: str,
    journey_db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("YIWANG_PUBLIC_URL", raising=False)
    held()
    page = Page(signed_in(ALICE))
    page.run(checkout.load)
    _collect(page)
    assert page.stage == "pay" and zh(page.total_text) == "¥20.00"
    view = page.run(checkout.pay, _origin(app_notify))
    assert view.redirect is not None and view.redirect.startswith(cashier_url)
    again = page.run(checkout.pay, _origin(app_notify))  # a double tap: the same order
    assert again.redirect == view.redirect
    orders = journey_db.exec(select(PaymentOrder)).all()
    assert len(orders) == 1 and orders[0].amount == 2000
    assert orders[0].notify_url == app_notify
    page.run(checkout.check_result)  # back without paying: still waiting
    assert page.stage == "waiting"
    assert zh(page.notice) == "还没有收到支付结果。如果您已经付款，请稍候再刷新。"
    assert _pay_at_cashier(cashier_url, orders[0].order_no).status_code == 303
    page.run(checkout.load)  # back from the cashier
    assert page.stage == "done" and page.receipt_no and page.application_number
    assert zh(page.paid_text) == "已缴费 ¥20.00"
    page.run(checkout.pay, _origin(app_notify))  # paid: nothing more to pay
    assert page.stage == "done" and len(journey_db.exec(select(PaymentOrder)).all()) == 1
    assert len(journey_db.exec(select(Application)).all()) == 1


def test_a_cancelled_payment_says_so_and_a_retry_opens_a_new_order(
    signed_in: Context,
    held: Callable[..., str],
    cashier_url: str,
    app_notify: str,
    journey_db: Session,
) -> None:
    held()
    page = Page(signed_in(ALICE))
    page.run(checkout.load)
    _collect(page)
    page.run(checkout.pay, _origin(app_notify))
    first = journey_db.exec(select(PaymentOrder)).one()
    _pay_at_cashier(cashier_url, first.order_no, "cancel")
    page.run(checkout.load)
    assert page.stage == "cancelled" and "没有扣款" in zh(page.notice)
    view = page.run(checkout.pay, _origin(app_notify))
    assert view.redirect is not None and first.order_no not in view.redirect
    assert page.stage == "cancelled"  # still the page it was until the cashier answers
    assert len(journey_db.exec(select(PaymentOrder)).all()) == 2


def test_a_cashier_away_or_not_configured_keeps_the_order_and_says_so(
    signed_in: Context,
    held: Callable[..., str],
    app_notify: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held()
    page = Page(signed_in(ALICE))
    page.run(checkout.load)
    _collect(page)
    page.run(checkout.pay, _origin(app_notify))  # no cashier configured
    assert page.stage == "unreachable" and zh(page.notice).startswith("统一支付暂未开通")
    monkeypatch.setenv("YIWANG_CASHIER_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("YIWANG_CASHIER_KEY", "test-signing-key-0123456789")
    monkeypatch.setenv("YIWANG_CASHIER_MERCHANT", "yiwang")
    view = page.run(checkout.pay, _origin(app_notify))
    assert view.redirect is None and page.stage == "unreachable"
    assert zh(page.notice).startswith("暂时无法连接统一支付平台")
    page.run(checkout.load)  # the order is kept, unsent: the stage says so
    assert page.stage == "unreachable" and zh(page.notice).startswith("暂时无法连接统一支付平台")
