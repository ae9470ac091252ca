"""Payment in the flow, against the sandbox cashier on a real loopback port: amounts from the
catalogue, signatures, one payment per application whatever is tapped or resent, refunds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from sqlmodel import Session, select

from app.adapters import cashier
from app.domain.service_item import ServiceItem
from app.flow import checkout, payment, store
from app.flow.checkout_tables import Checkout, PaymentOrder
from app.flow.store import applications, drafts
from app.flow.tables import Application, ApplicationEvent
from sandboxes.cashier import make_app
from tests.factories import item
from tests.sandbox_server import free_port, serve

KEY = "test-signing-key-0123456789"
SNAPSHOT = {
    "item_code": "X-1",
    "form_key": "006021000000",
    "item_name": "机动车驾驶证期满换证",
    "department": "济南市车辆管理所",
    "area_code": "370100000000",
    "values": {"name": "张三"},
    "promised_days": 1,
}


@pytest.fixture
def pay_db(flow_db: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """The flow database for the payment and delivery modules too."""
    return flow_db  # flow_db reaches every flow module, these included


@pytest.fixture
def app_notify() -> Iterator[str]:
    """The app's notification route on loopback (what the cashier calls)."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    from app.flow.payment_http import NOTIFY_PATH, notify

    with serve(Starlette(routes=[Route(NOTIFY_PATH, notify, methods=["POST"])])) as url:
        yield url + NOTIFY_PATH


@pytest.fixture
def cashier_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with serve(make_app(KEY)) as url:
        monkeypatch.setenv("YIWANG_CASHIER_URL", url)
        monkeypatch.setenv("YIWANG_CASHIER_KEY", KEY)
        monkeypatch.setenv("YIWANG_CASHIER_MERCHANT", "yiwang")
        monkeypatch.delenv("YIWANG_BACKOFFICE_URL", raising=False)
        yield url


def _item(**changes) -> ServiceItem:
    return ServiceItem.model_validate(
        item(**{"online_payment": True, "express_delivery": True, **changes})
    )


def _checkout(db: Session, owner: str = "alice", key: str = "k" * 32) -> Checkout:
    return checkout.hold(
        owner, "X-1", key, SNAPSHOT, needs_payment=True, needs_delivery=False, session=db
    )


# -- amounts ---------------------------------------------------------------------------------
def test_amounts_come_from_the_catalogue_fee_items_in_whole_fen() -> None:
    two = _item(
        fees=[
            {"name": "工本费", "amount": "10.00", "basis": "b"},
            {"name": "邮寄费", "amount": "12.50", "basis": "b"},
        ]
    )
    lines = payment.fees_of(two)
    assert [(f.name, f.amount) for f in lines] == [("工本费", 1000), ("邮寄费", 1250)]
    assert payment.total(lines) == 2250
    assert payment.payable_online(two)
    assert not payment.payable_online(_item(online_payment=False))
    assert payment.fees_of(_item(fee_required=False, fees=[])) == []
    assert not payment.payable_online(_item(fee_required=False, fees=[]))


def test_a_fraction_of_a_fen_is_refused() -> None:
    assert payment.to_fen(Decimal("0.01")) == 1
    with pytest.raises(ValueError, match="fen"):
        payment.to_fen(Decimal("0.005"))
    with pytest.raises(ValueError, match="fen"):
        payment.to_fen(Decimal("-1"))


def test_fees_are_formatted_per_locale() -> None:
    from app.text.format import format_fee

    assert format_fee(Decimal("10"), "zh_Hans") == "¥10.00"
    assert format_fee(Decimal("10"), "en") == "CN¥10.00"
    assert format_fee(Decimal("1234.5"), "zh_Hant") != format_fee(Decimal("1234.5"), "ug")


# -- signatures ------------------------------------------------------------------------------
def test_a_signed_message_verifies_and_any_change_breaks_it() -> None:
    body = cashier.signed({"order_no": "A1", "amount": "1000", "status": "paid"}, KEY)
    assert cashier.verify(body, KEY)["amount"] == "1000"
    for field, value in (("amount", "1"), ("order_no", "A2"), ("status", "closed")):
        with pytest.raises(cashier.BadSignature, match="does not match"):
            cashier.verify({**body, field: value}, KEY)
    with pytest.raises(cashier.BadSignature, match="not match"):
        cashier.verify(body, "another key")
    unsigned = {k: v for k, v in body.items() if k != "sign"}
    with pytest.raises(cashier.BadSignature, match="not signed"):
        cashier.verify(unsigned, KEY)
    with pytest.raises(cashier.BadSignature, match="string"):
        cashier.verify({**body, "amount": 1000}, KEY)
    with pytest.raises(cashier.BadSignature, match="JSON object"):
        cashier.verify(["x"], KEY)


def test_the_canonical_string_is_sorted_and_skips_the_signature() -> None:
    assert cashier.canonical({"b": "2", "a": "1", "sign": "x"}) == "a=1&b=2"


# -- orders and notifications ----------------------------------------------------------------
def _pay_at_cashier(url: str, order_no: str, action: str = "pay") -> httpx.Response:
    return httpx.post(f"{url}/pay/{order_no}", data={"action": action}, follow_redirects=False)


def _open(db: Session, app_notify: str) -> PaymentOrder:
    row = _checkout(db)
    order, _ = payment.open_order("alice", row, payment.fees_of(_item()), db)
    client = cashier.client_from_env()
    assert client is not None
    return asyncio.run(
        payment.send(client, order, "换证", notify_url=app_notify, return_url="http://x/back")
    )


def _order(db: Session, order_no: str) -> PaymentOrder:
    db.expire_all()
    row = db.exec(select(PaymentOrder).where(PaymentOrder.order_no == order_no)).one()
    return row


def test_double_tap_finds_the_same_order(pay_db: Session) -> None:
    row = _checkout(pay_db)
    lines = payment.fees_of(_item())
    first, new = payment.open_order("alice", row, lines, pay_db)
    again, new_again = payment.open_order("alice", row, lines, pay_db)
    assert new and not new_again and again.order_no == first.order_no
    assert first.amount == 2000


def test_paid_once_then_resent_notifications_change_nothing(
    pay_db: Session, cashier_url: str, app_notify: str
) -> None:
    order = _open(pay_db, app_notify)
    assert order.status == "open" and order.pay_url.endswith(order.order_no)
    answer = _pay_at_cashier(cashier_url, order.order_no)
    assert answer.status_code == 303 and answer.headers["location"] == "http://x/back"
    paid = _order(pay_db, order.order_no)  # the notification came before the redirect
    assert paid.status == "paid" and paid.receipt_no and paid.application_number
    # a second tap on the cashier's pay button and resent notifications: still one payment
    _pay_at_cashier(cashier_url, order.order_no)
    for _ in range(3):
        assert httpx.post(f"{cashier_url}/operator/orders/{order.order_no}/notify").json() == {
            "delivered": True
        }
    again = _order(pay_db, order.order_no)
    assert again.receipt_no == paid.receipt_no and again.notifications == 4
    apps = pay_db.exec(select(Application).where(Application.owner == "alice")).all()
    assert [a.number for a in apps] == [paid.application_number]
    events = pay_db.exec(
        select(ApplicationEvent).where(ApplicationEvent.application_id == apps[0].id)
    ).all()
    assert [e.status for e in events] == ["submitted", "paid"]
    listing = httpx.get(f"{cashier_url}/operator/orders").json()["orders"]
    assert [o["payments"] for o in listing] == [1]


def test_forged_unsigned_and_mismatched_notifications_are_refused(
    pay_db: Session, cashier_url: str, app_notify: str
) -> None:
    order = _open(pay_db, app_notify)
    good = {
        "merchant_id": "yiwang",
        "order_no": order.order_no,
        "status": "paid",
        "amount": str(order.amount),
        "trade_no": "T1",
        "receipt_no": "R1",
        "paid_at": "2026-12-01T10:00:00+00:00",
    }
    forged = [
        cashier.signed(good, "not the key"),  # forged
        {**good, "sign": ""},  # unsigned
        good,  # unsigned
        cashier.signed({**good, "amount": "1"}, KEY),  # another amount
        cashier.signed({**good, "order_no": "YWP000"}, KEY),  # another order
        cashier.signed({**good, "merchant_id": "other"}, KEY),  # another merchant
    ]
    for body in forged:
        response = httpx.post(app_notify, json=body)
        assert response.status_code == 400, body
        assert response.json()["result"] == "fail"
    still = _order(pay_db, order.order_no)
    assert still.status == "open" and not still.application_number
    assert pay_db.exec(select(Application)).all() == []
    assert httpx.post(app_notify, json=cashier.signed(good, KEY)).json() == {"result": "success"}
    assert _order(pay_db, order.order_no).status == "paid"


def test_cancelled_then_retried_pays_a_new_order_and_keeps_the_draft(
    pay_db: Session, cashier_url: str, app_notify: str
) -> None:
    drafts.save_draft("alice", "X-1", "006021000000", "换证", {"name": "张三"}, 2, pay_db)
    order = _open(pay_db, app_notify)
    _pay_at_cashier(cashier_url, order.order_no, "cancel")
    assert _order(pay_db, order.order_no).status == "cancelled"
    assert drafts.get_draft("alice", "X-1", pay_db) is not None  # nothing submitted, draft kept
    row = checkout.open_for("alice", "X-1", pay_db)
    assert row is not None
    retry, new = payment.open_order("alice", row, payment.fees_of(_item()), pay_db)
    assert new and retry.order_no != order.order_no
    client = cashier.client_from_env()
    assert client is not None
    retry = asyncio.run(
        payment.send(client, retry, "换证", notify_url=app_notify, return_url="http://x/back")
    )
    _pay_at_cashier(cashier_url, retry.order_no)
    assert _order(pay_db, retry.order_no).status == "paid"
    assert drafts.get_draft("alice", "X-1", pay_db) is None  # submitted now
    # the cancelled order cannot be paid any more
    assert _pay_at_cashier(cashier_url, order.order_no).status_code == 303
    assert _order(pay_db, order.order_no).status == "cancelled"


def test_failed_and_timed_out_orders_close(
    pay_db: Session, cashier_url: str, app_notify: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = _open(pay_db, app_notify)
    _pay_at_cashier(cashier_url, order.order_no, "fail")
    assert _order(pay_db, order.order_no).status == "failed"
    monkeypatch.setenv("YIWANG_PAYMENT_TIMEOUT_S", "1")
    row = checkout.open_for("alice", "X-1", pay_db)
    assert row is not None
    late, _ = payment.open_order("alice", row, payment.fees_of(_item()), pay_db)
    client = cashier.client_from_env()
    assert client is not None
    late = asyncio.run(
        payment.send(client, late, "换证", notify_url=app_notify, return_url="http://x/back")
    )
    import time

    time.sleep(1.2)
    asyncio.run(payment.reconcile(client, late))  # a signed answer: closed
    assert _order(pay_db, late.order_no).status == "closed"
    assert _pay_at_cashier(cashier_url, late.order_no).status_code == 303
    assert _order(pay_db, late.order_no).status == "closed"


def test_an_unreachable_cashier_keeps_the_order_for_a_retry(
    pay_db: Session, cashier_url: str, app_notify: str
) -> None:
    row = _checkout(pay_db)
    order, _ = payment.open_order("alice", row, payment.fees_of(_item()), pay_db)
    down = cashier.CashierClient(f"http://127.0.0.1:{free_port()}", "yiwang", KEY)
    with pytest.raises(cashier.CashierError, match="create order"):
        asyncio.run(payment.send(down, order, "换证", notify_url=app_notify, return_url="x"))
    kept = _order(pay_db, order.order_no)
    assert kept.status == "created" and kept.outbox == "create"
    assert asyncio.run(payment.push("alice", down)) == 0  # still away: still queued
    assert _order(pay_db, order.order_no).outbox == "create"
    again, new = payment.open_order("alice", row, payment.fees_of(_item()), pay_db)
    assert not new and again.order_no == order.order_no  # the retry sends the same order
    client = cashier.client_from_env()
    assert client is not None
    assert asyncio.run(payment.push("alice")) == 1  # the outbox sends it when it is back
    sent = _order(pay_db, order.order_no)
    assert sent.status == "open" and sent.outbox == "" and sent.pay_url.endswith(order.order_no)
    assert asyncio.run(payment.push("alice")) == 0


def test_another_citizens_order_is_not_theirs(pay_db: Session) -> None:
    row = _checkout(pay_db)
    with pytest.raises(store.NotFound):
        payment.open_order("mallory", row, payment.fees_of(_item()), pay_db)
    order, _ = payment.open_order("alice", row, payment.fees_of(_item()), pay_db)
    assert row.id is not None
    assert payment.current("mallory", row.id, pay_db) is None
    assert payment.current("alice", row.id, pay_db) is not None
    assert payment.for_application("mallory", order.application_number or "x", pay_db) is None
    assert payment.receipts("mallory", pay_db) == {}
    assert checkout.open_for("mallory", "X-1", pay_db) is None
    with pytest.raises(store.NotFound):
        checkout.choose_delivery("mallory", row.id, {"method": "collect"}, pay_db)


def test_a_rejection_after_payment_records_the_refund(
    pay_db: Session, cashier_url: str, app_notify: str
) -> None:
    order = _open(pay_db, app_notify)
    _pay_at_cashier(cashier_url, order.order_no)
    number = _order(pay_db, order.order_no).application_number
    checkout.advance(number, "rejected", "材料不符", session=pay_db)
    assert _order(pay_db, order.order_no).status == "refunding"
    assert asyncio.run(payment.push("alice")) == 1
    refunded = _order(pay_db, order.order_no)
    assert refunded.status == "refunded" and refunded.outbox == ""
    assert asyncio.run(payment.push("alice")) == 0  # once
    app = applications.get_application("alice", number, pay_db)
    statuses = [e.status for e in applications.events(app.id or 0, pay_db)]
    assert statuses[-3:] == ["rejected", "refunding", "refunded"]
    listing = httpx.get(f"{cashier_url}/operator/orders").json()
    assert len(listing["refunds"]) == 1 and listing["orders"][0]["status"] == "refunded"


def test_parallel_resent_notifications_pay_once(
    pay_db: Session, cashier_url: str, app_notify: str
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    order = _open(pay_db, app_notify)
    body = cashier.signed(
        {
            "merchant_id": "yiwang",
            "order_no": order.order_no,
            "status": "paid",
            "amount": str(order.amount),
            "trade_no": "T9",
            "receipt_no": "R9",
            "paid_at": "2026-12-01T10:00:00+00:00",
        },
        KEY,
    )
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: httpx.post(app_notify, json=body, timeout=20), range(4)))
    assert [a.json() for a in answers] == [{"result": "success"}] * 4
    paid = _order(pay_db, order.order_no)
    assert paid.status == "paid" and paid.notifications == 4 and paid.receipt_no == "R9"
    assert len(pay_db.exec(select(Application)).all()) == 1
    assert httpx.post(app_notify, content=b"not json").status_code == 400
