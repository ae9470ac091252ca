"""The payment and delivery outboxes retried without a citizen (``app.flow.outbox``), against
the sandbox cashier and courier on real loopback ports: what waits is sent by the periodic
retry, each row is claimed by one worker at a time, and what an answer changes is written once
however many workers (or citizens' pages) send the same row."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.adapters import cashier
from app.adapters.backoffice import BackOfficeClient
from app.flow import checkout, delivery, leases, outbox, payment, store
from app.flow.checkout_tables import Delivery, PaymentOrder, WorkLease
from app.flow.payment import sending
from app.flow.store import applications
from sandboxes.backoffice import make_app as backoffice_app
from tests.flow.test_delivery import TRACKED, _submitted

# the payment and delivery tests' fixtures (sandbox cashier and courier, notify route, database)
from tests.flow.test_delivery import courier as courier
from tests.flow.test_payment import (
    KEY,
    _checkout,
    _item,
    _order,
    _pay_at_cashier,
)
from tests.flow.test_payment import app_notify as app_notify
from tests.flow.test_payment import cashier_url as cashier_url
from tests.flow.test_payment import pay_db as pay_db
from tests.sandbox_server import free_port, serve

LEASE = timedelta(seconds=60)


def _age(db: Session, table: type[PaymentOrder] | type[Delivery], by: timedelta) -> None:
    """Every row of ``table`` last touched ``by`` ago (time passing, without waiting)."""
    db.execute(sa.update(table).values(updated_at=store.now() - by))
    db.commit()


def _queued_order(db: Session, app_notify: str) -> PaymentOrder:
    """alice tapped 去支付 while the cashier was away: the order waits in the outbox."""
    order, _ = payment.open_order("alice", _checkout(db), payment.fees_of(_item()), db)
    down = cashier.CashierClient(f"http://127.0.0.1:{free_port()}", "yiwang", KEY)
    with pytest.raises(cashier.CashierError):
        asyncio.run(payment.send(down, order, "换证", notify_url=app_notify, return_url="x"))
    assert _order(db, order.order_no).outbox == "create"
    return order


def test_the_periodic_retry_sends_a_queued_order_once_its_lease_has_passed(
    pay_db: Session,
    cashier_url: str,
    app_notify: str,
) -> None:
    order = _queued_order(pay_db, app_notify)
    # just touched (the citizen's own tap): left to the citizen for now
    assert asyncio.run(outbox.retry_once(LEASE)) == 0
    assert _order(pay_db, order.order_no).outbox == "create"
    _age(pay_db, PaymentOrder, LEASE * 2)
    assert asyncio.run(outbox.retry_once(LEASE)) == 1  # nobody opened a page
    sent = _order(pay_db, order.order_no)
    assert sent.status == "open" and sent.outbox == "" and sent.pay_url.endswith(order.order_no)
    _age(pay_db, PaymentOrder, LEASE * 2)
    assert asyncio.run(outbox.retry_once(LEASE)) == 0  # nothing left to send
    listing = httpx.get(f"{cashier_url}/operator/orders").json()["orders"]
    assert [o["order_no"] for o in listing] == [order.order_no]
    # the citizen pays what the retry created: paid once, the application in
    assert _pay_at_cashier(cashier_url, order.order_no).status_code == 303
    paid = _order(pay_db, order.order_no)
    assert paid.status == "paid" and paid.application_number


def test_a_failed_retry_keeps_the_row_for_the_next_round(
    pay_db: Session,
    app_notify: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = _queued_order(pay_db, app_notify)
    monkeypatch.setenv("YIWANG_CASHIER_URL", f"http://127.0.0.1:{free_port()}")  # still away
    monkeypatch.setenv("YIWANG_CASHIER_KEY", KEY)
    _age(pay_db, PaymentOrder, LEASE * 2)
    assert asyncio.run(outbox.retry_once(LEASE)) == 0
    kept = _order(pay_db, order.order_no)
    assert kept.outbox == "create" and kept.status == "created"
    # claimed by that round: the next worker leaves it until the lease has passed
    assert sending._unsent(None, LEASE) == []
    _age(pay_db, PaymentOrder, LEASE * 2)
    assert [o.order_no for o in sending._unsent(None, LEASE)] == [order.order_no]


def test_workers_retrying_at_once_claim_each_row_once(
    pay_db: Session,
    app_notify: str,
) -> None:
    order = _queued_order(pay_db, app_notify)
    _age(pay_db, PaymentOrder, LEASE * 2)
    with ThreadPoolExecutor(4) as pool:
        claims = list(pool.map(lambda _: sending._unsent(None, LEASE), range(4)))
    assert sorted(len(c) for c in claims) == [0, 0, 0, 1]
    assert next(c for c in claims if c)[0].order_no == order.order_no
    # a citizen's own page (no lease) still sends it at once
    assert [o.order_no for o in sending._unsent("alice")] == [order.order_no]


def test_a_refund_sent_by_two_workers_is_recorded_once(
    pay_db: Session,
    cashier_url: str,
    app_notify: str,
) -> None:
    order = _queued_order(pay_db, app_notify)
    assert asyncio.run(payment.push("alice")) == 1
    _pay_at_cashier(cashier_url, order.order_no)
    number = _order(pay_db, order.order_no).application_number
    checkout.advance(number, "rejected", "材料不符", session=pay_db)
    _age(pay_db, PaymentOrder, LEASE * 2)
    client = cashier.client_from_env()
    assert client is not None

    async def both() -> list[int]:  # a worker's retry and alice's 我的 at the same time
        return list(
            await asyncio.gather(
                outbox.retry_once(LEASE), payment.push("alice", client), return_exceptions=False
            )
        )

    assert sum(asyncio.run(both())) >= 1
    refunded = _order(pay_db, order.order_no)
    assert refunded.status == "refunded" and refunded.outbox == ""
    app = applications.get_application("alice", number, pay_db)
    statuses = [e.status for e in applications.events(app.id or 0, pay_db)]
    assert statuses.count("refunded") == 1 and statuses.count("refunding") == 1
    sending._refunded(refunded.id or 0)  # a late second answer changes nothing
    assert [e.status for e in applications.events(app.id or 0, pay_db)].count("refunded") == 1
    listing = httpx.get(f"{cashier_url}/operator/orders").json()
    assert len(listing["refunds"]) == 1  # the cashier refunds once by refund number


def test_dispatch_and_tracking_move_without_a_citizen_each_recorded_once(
    pay_db: Session,
    courier: str,
) -> None:
    number = _submitted(pay_db)
    for status in ("accepted", "reviewing", "completed"):
        checkout.advance(number, status, session=pay_db)
    assert asyncio.run(outbox.retry_once(LEASE)) == 0  # just queued: within its lease
    _age(pay_db, Delivery, LEASE * 2)
    with ThreadPoolExecutor(3) as pool:
        claims = list(pool.map(lambda _: delivery._pending(None, LEASE), range(3)))
    assert sorted(len(c) for c in claims) == [0, 0, 1]
    _age(pay_db, Delivery, LEASE * 2)
    assert asyncio.run(outbox.retry_once(LEASE)) == 1  # booked by the retry
    pay_db.expire_all()
    row = delivery.get("alice", number, pay_db)
    assert row is not None and row.tracking_no and row.outbox == ""
    delivery._booked(row.id or 0, "YWOTHER")  # a second booking answer changes nothing
    for _ in range(4):
        assert httpx.post(f"{courier}/operator/shipments/{row.tracking_no}/advance").is_success
        assert asyncio.run(outbox.retry_once(LEASE)) == 0  # asked about within the lease
        _age(pay_db, Delivery, LEASE * 2)

        async def together() -> list[int]:  # two workers' rounds at once
            return list(await asyncio.gather(outbox.retry_once(LEASE), outbox.retry_once(LEASE)))

        assert sorted(asyncio.run(together())) == [0, 1]  # one asked, one status recorded
    app = applications.get_application("alice", number, pay_db)
    statuses = [e.status for e in applications.events(app.id or 0, pay_db)]
    assert statuses[-6:] == TRACKED
    assert len(statuses) == len(set(statuses))  # each once
    pay_db.expire_all()
    found = delivery.get("alice", number, pay_db)
    assert found is not None and found.tracking_no == row.tracking_no
    assert found.status == "signed"
    left = pay_db.exec(select(Delivery).where(col(Delivery.outbox) != "")).all()
    assert left == []


def test_the_interval_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YIWANG_OUTBOX_INTERVAL_S", raising=False)
    assert outbox.interval_s() == outbox.DEFAULT_INTERVAL_S
    monkeypatch.setenv("YIWANG_OUTBOX_INTERVAL_S", "0")
    assert outbox.interval_s() == 0
    asyncio.run(asyncio.wait_for(outbox.run(), 1))  # off: returns at once
    for bad in ("soon", "-5"):
        monkeypatch.setenv("YIWANG_OUTBOX_INTERVAL_S", bad)
        with pytest.raises(ValueError, match="YIWANG_OUTBOX_INTERVAL_S"):
            outbox.interval_s()


def test_the_loop_retries_until_cancelled(
    pay_db: Session,
    cashier_url: str,
    app_notify: str,
) -> None:
    order = _queued_order(pay_db, app_notify)
    _age(pay_db, PaymentOrder, timedelta(seconds=5))

    async def briefly() -> None:
        task = asyncio.create_task(outbox.run(0.2))  # lease 0.2 s: the aged row is free
        for _ in range(50):
            await asyncio.sleep(0.1)
            if (await asyncio.to_thread(payment.fresh, order.order_no)).outbox == "":
                break
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(briefly())
    assert _order(pay_db, order.order_no).status == "open"


@pytest.fixture
def back_office(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The sandbox back office on a loopback port, named by the app's setting."""
    with serve(backoffice_app()) as url:
        monkeypatch.setenv("YIWANG_BACKOFFICE_URL", url)
        monkeypatch.delenv("YIWANG_BACKOFFICE_TOKEN", raising=False)
        yield url


def test_one_worker_holds_a_lease_until_it_expires(pay_db: Session) -> None:
    assert leases.take("job", LEASE, "worker-a")
    assert not leases.take("job", LEASE, "worker-b")  # held: b skips this round
    assert leases.take("job", LEASE, "worker-a")  # the holder renews it
    assert leases.take("other", LEASE, "worker-b")  # each name its own lease
    pay_db.execute(sa.update(WorkLease).values(until=store.now() - timedelta(seconds=1)))
    pay_db.commit()
    assert leases.take("job", LEASE, "worker-b")  # a's lease ran out (a died): b takes over
    assert not leases.take("job", LEASE, "worker-a")
    # workers asking at once for a lease nobody holds yet (the row made by the first ask)
    with ThreadPoolExecutor(4) as pool:
        won = list(pool.map(lambda n: leases.take("fresh", LEASE, f"w{n}"), range(4)))
    assert won.count(True) == 1


def test_back_office_changes_advance_with_no_page_open(
    pay_db: Session,
    courier: str,
    back_office: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = _submitted(pay_db)  # express delivery; the back office has not heard of it
    client = BackOfficeClient(back_office)
    # another worker holds the back-office lease: this one leaves the feed alone
    assert leases.take(outbox.BACKOFFICE_LEASE, LEASE, "another-worker")
    assert asyncio.run(outbox.retry_once(LEASE)) == 0
    assert applications.get_application("alice", number, pay_db).outbox == "submit"
    pay_db.execute(sa.update(WorkLease).values(until=store.now() - timedelta(seconds=1)))
    pay_db.commit()
    # that worker died: this one takes the lease, hands the submission over by itself
    assert asyncio.run(outbox.retry_once(LEASE)) == 1
    pay_db.expire_all()
    assert applications.get_application("alice", number, pay_db).outbox == ""
    assert asyncio.run(client.status(number)).status == "submitted"
    assert not leases.take(outbox.BACKOFFICE_LEASE, LEASE, "another-worker")  # held by us

    # the back office moves it to completed; nobody opens 我的 or the progress page
    for status in ("accepted", "reviewing", "completed"):
        asyncio.run(client.advance(number, status, "沙箱后台办理"))
    assert asyncio.run(outbox.retry_once(LEASE)) == 3  # the three changes, recorded
    pay_db.expire_all()
    app = applications.get_application("alice", number, pay_db)
    assert app.status == "completed"
    messages = applications.recent_events("alice", session=pay_db)
    assert [e.status for _, e in messages][:3] == ["completed", "reviewing", "accepted"]
    queued = delivery.get("alice", number, pay_db)
    assert queued is not None and queued.outbox == "dispatch" and not queued.tracking_no
    assert asyncio.run(outbox.retry_once(LEASE)) == 0  # nothing new; the dispatch just queued

    # the dispatch and each courier status follow, still with no page open
    _age(pay_db, Delivery, LEASE * 2)
    assert asyncio.run(outbox.retry_once(LEASE)) == 1  # booked
    pay_db.expire_all()
    row = delivery.get("alice", number, pay_db)
    assert row is not None and row.tracking_no and row.outbox == ""
    for _ in range(4):
        assert httpx.post(f"{courier}/operator/shipments/{row.tracking_no}/advance").is_success
        _age(pay_db, Delivery, LEASE * 2)
        assert asyncio.run(outbox.retry_once(LEASE)) == 1
    statuses = [e.status for e in applications.events(app.id or 0, pay_db)]
    assert statuses[-6:] == TRACKED
    assert len(statuses) == len(set(statuses))  # each once
    messages = applications.recent_events("alice", session=pay_db)
    assert next(e.status for _, e in messages) == "signed"


def test_a_back_office_away_keeps_everything_for_the_next_round(
    pay_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _submitted(pay_db)
    monkeypatch.setenv("YIWANG_BACKOFFICE_URL", f"http://127.0.0.1:{free_port()}")
    assert asyncio.run(outbox.retry_once(LEASE)) == 0  # logged, not raised
    pay_db.expire_all()
    assert applications.get_application("alice", number, pay_db).outbox == "submit"
