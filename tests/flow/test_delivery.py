"""Delivery in the flow, against the sandbox logistics service on a real loopback port: the
choice is checked, a completed express application is dispatched once (queued while the
courier is away) and each courier status lands on the timeline once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import Session

from app.adapters.logistics import LogisticsClient
from app.domain.service_item import ServiceItem
from app.flow import checkout, delivery, store
from app.flow.areas import divisions
from app.flow.store import applications
from sandboxes.logistics import make_app
from tests.factories import item
from tests.flow.test_payment import (
    pay_db as pay_db,  # the flow database, as the payment tests have it
)
from tests.sandbox_server import free_port, serve

SNAPSHOT = {
    "item_code": "X-2",
    "form_key": "005018000000",
    "item_name": "居住证申领",
    "department": "济南市公安局",
    "area_code": "370102000000",
    "values": {"name": "张三"},
    "promised_days": 10,
}


#: the timeline of a delivered application, from its completion to 已签收
TRACKED = ["completed", "shipped", "collected", "in_transit", "delivering", "signed"]


@pytest.fixture
def courier(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with serve(make_app("tok")) as url:
        monkeypatch.setenv("YIWANG_LOGISTICS_URL", url)
        monkeypatch.setenv("YIWANG_LOGISTICS_TOKEN", "tok")
        yield url


def _county(n: int = 0) -> tuple[str, str]:
    return divisions("37")[n]


def _express(owner: str = "alice") -> dict:
    code, _name = _county(3)
    choice, errors = delivery.check_choice(
        "37",
        {
            "method": "express",
            "recipient": "张三",
            "phone": "138 0013 5678",
            "division": code,
            "detail": "经十路 100 号 3 单元",
        },
    )
    assert errors == {}
    return choice


def test_the_choice_is_checked_field_by_field() -> None:
    _choice, errors = delivery.check_choice("37", {"method": "express"})
    assert set(errors) == {"recipient", "phone", "division", "detail"}
    _choice, errors = delivery.check_choice(
        "37",
        {
            "method": "express",
            "recipient": "李四",
            "phone": "12345",
            "division": "110101000000",
            "detail": "某路 1 号",
        },
    )
    assert set(errors) == {"phone", "division"}  # a Beijing county is not in Shandong
    assert delivery.check_choice("37", {"method": "drone"})[1] == {
        "method": delivery.check_choice("37", {})[1]["method"]
    }
    assert delivery.check_choice("37", {"method": "collect"}) == ({"method": "collect"}, {})
    choice = _express()
    assert choice["phone"] == "13800135678" and choice["division_name"] == _county(3)[1]
    assert "138****5678" in delivery.address_text(choice)
    assert "13800135678" in delivery.address_text(choice, reveal=True)


def test_collection_names_the_hall_its_hours_and_the_originals_to_bring() -> None:
    hall = delivery.hall_of(ServiceItem.model_validate(item()))
    assert hall is not None
    assert (hall.name, hall.hours) == ("户籍窗口", "工作日 9:00-17:00")
    assert "原居民身份证" in hall.bring and "户口簿" in hall.bring
    assert delivery.hall_of(ServiceItem.model_validate(item(halls=[]))) is None


def _submitted(db: Session, owner: str = "alice", key: str = "d" * 32) -> str:
    row = checkout.hold(
        owner, "X-2", key, SNAPSHOT, needs_payment=False, needs_delivery=True, session=db
    )
    assert row.id is not None
    with pytest.raises(store.Refused):
        checkout.submit_unpaid(owner, row.id, db)  # no choice yet
    checkout.choose_delivery(owner, row.id, _express(owner), db)
    number = checkout.submit_unpaid(owner, row.id, db)
    assert checkout.submit_unpaid(owner, row.id, db) == number  # a double tap: same one
    return number


def test_the_last_address_prefills_the_next_application(pay_db: Session) -> None:
    assert delivery.last_address("alice", pay_db) == {}
    _submitted(pay_db)
    assert delivery.last_address("alice", pay_db)["detail"] == "经十路 100 号 3 单元"
    assert delivery.last_address("mallory", pay_db) == {}


def test_completion_dispatches_once_and_tracking_lands_on_the_timeline(
    pay_db: Session, courier: str
) -> None:
    number = _submitted(pay_db)
    for status in ("accepted", "reviewing"):
        checkout.advance(number, status, session=pay_db)
    # the courier is away when the back office completes it: the dispatch stays queued
    down = LogisticsClient(f"http://127.0.0.1:{free_port()}", "tok")
    checkout.advance(number, "completed", session=pay_db)
    assert asyncio.run(delivery.push("alice", down)) == 0
    pay_db.expire_all()
    row = delivery.get("alice", number, pay_db)
    assert row is not None and row.outbox == "dispatch" and not row.tracking_no
    assert asyncio.run(delivery.push("alice")) == 1
    assert asyncio.run(delivery.push("alice")) == 0  # booked once
    row = delivery.get("alice", number, pay_db)
    assert row is not None and row.tracking_no.startswith("YW") and row.status == "booked"
    for _ in range(4):
        assert httpx.post(f"{courier}/operator/shipments/{row.tracking_no}/advance").is_success
        asyncio.run(delivery.pull("alice"))
        asyncio.run(delivery.pull("alice"))  # pulled twice: recorded once
    assert httpx.post(f"{courier}/operator/shipments/{row.tracking_no}/advance").status_code == 409
    app = applications.get_application("alice", number, pay_db)
    statuses = [e.status for e in applications.events(app.id or 0, pay_db)]
    assert statuses[-6:] == TRACKED
    assert delivery.get("mallory", number, pay_db) is None  # another citizen sees nothing
    shipments = httpx.get(f"{courier}/operator/shipments").json()["shipments"]
    assert [s["ref"] for s in shipments] == [number]


def test_window_collection_is_never_dispatched(pay_db: Session, courier: str) -> None:
    row = checkout.hold(
        "bob", "X-2", "c" * 32, SNAPSHOT, needs_payment=False, needs_delivery=True, session=pay_db
    )
    assert row.id is not None
    checkout.choose_delivery("bob", row.id, {"method": "collect", "hall": "户籍窗口"}, pay_db)
    number = checkout.submit_unpaid("bob", row.id, pay_db)
    for status in ("accepted", "reviewing", "completed"):
        checkout.advance(number, status, session=pay_db)
    assert asyncio.run(delivery.push("bob")) == 0
    found = delivery.get("bob", number, pay_db)
    assert found is not None and found.method == "collect" and found.outbox == ""


def test_the_sandbox_moves_on_by_itself() -> None:
    import time

    with serve(make_app("", step_seconds=0.2)) as url:
        client = LogisticsClient(url)
        shipment = asyncio.run(
            client.book(
                "N1",
                item="i",
                sender="s",
                recipient="r",
                phone="13800135678",
                division="370102000000",
                address="a",
            )
        )
        again = asyncio.run(
            client.book(
                "N1",
                item="i",
                sender="s",
                recipient="r",
                phone="13800135678",
                division="370102000000",
                address="a",
            )
        )
        assert again.tracking_no == shipment.tracking_no
        time.sleep(1.0)
        tracked = asyncio.run(client.track(shipment.tracking_no))
        assert tracked.status == "signed"
        assert [e.status for e in tracked.events] == [
            "collected",
            "in_transit",
            "delivering",
            "signed",
        ]
    with serve(make_app("tok")) as url:
        assert httpx.get(f"{url}/shipments/x").status_code == 401


def test_checkout_texts_read_in_every_locale() -> None:
    """Amounts and the choice's errors are local texts (the page picks the device's locale):
    one formatter for fees, a translated error per field, the address itself left as typed."""
    from decimal import Decimal

    from app.state.checkout import money
    from app.text import SHIPPED_LOCALES, is_local, pick, translate
    from app.text.format import format_fee

    amount = money(1250)
    assert is_local(amount)
    for locale in SHIPPED_LOCALES:
        assert pick(amount, locale) == format_fee(Decimal("12.5"), locale)
    assert pick(money(0), "en") == translate("en", "不收费")
    _choice, errors = delivery.check_choice("37", {"method": "express"})
    assert (
        pick(errors["recipient"], "en") == translate("en", "请填写收件人姓名") != "请填写收件人姓名"
    )
    assert pick(errors["recipient"], "ug") == translate("ug", "请填写收件人姓名")
    text = delivery.address_text(_express())
    assert "经十路 100 号 3 单元" in pick(text, "en")
