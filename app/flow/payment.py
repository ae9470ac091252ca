"""Unified payment (统一支付) in the application flow: what an item costs, payment orders at the
cashier, and the cashier's signed notification as the only thing that marks an order paid.

- :func:`fees_of` takes the amounts from the catalogue's fee items (收费项目), never from the
  browser; :func:`to_fen` refuses fractions of a fen.
- :func:`open_order` gives a citizen one open order per item: a double tap or a retry of the
  pay button finds the same order (``open_key`` is unique), so it can be paid only once. A
  cancelled, failed or timed-out order is closed and the next tap opens a new one; the draft
  and the checkout are kept throughout.
- :func:`notified` checks a notification's signature, merchant, order and amount, then applies
  it once: the first ``paid`` pays and submits the application (idempotent by the checkout's
  key), resends are counted and change nothing.
- An order the cashier could not be reached for stays in the ``outbox`` (``create``) and is
  sent again by :func:`push` (every load of 我的 / progress pages, and every worker's periodic
  retry, ``app.flow.outbox``, which claims each row first); a refund after a rejection
  likewise (``refund``).

The coroutines run on a worker's event loop, so their database work goes to a thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.cashier import NOTIFIED, BadSignature, CashierClient, CashierError, verify
from app.adapters.cashier import client_from_env as cashier_client
from app.adapters.cashier import settings as cashier_settings
from app.db import session_scope
from app.domain.rules import Milestone
from app.domain.service_item import ServiceItem
from app.flow import store
from app.flow.checkout_tables import Checkout, PaymentOrder
from app.flow.store import timeline
from app.flow.tables import Application

log = logging.getLogger(__name__)
security_log = logging.getLogger("yiwang.security")

#: an unpaid order closes after this long at the cashier (YIWANG_PAYMENT_TIMEOUT_S)
DEFAULT_TIMEOUT_S = 900
OPEN = ("created", "open")
CLOSED = ("cancelled", "failed", "closed")


class NotificationRefused(ValueError):
    """A notification that is not trusted or does not fit its order; the message says why."""


@dataclass(frozen=True)
class FeeLine:
    name: str
    amount: int  # fen


def to_fen(amount: Decimal) -> int:
    """Yuan to whole fen; a fraction of a fen or a negative amount is an error."""
    fen = Decimal(amount) * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise ValueError(f"amount {amount} is not a whole number of fen")
    return int(fen)


def fees_of(item: ServiceItem) -> list[FeeLine]:
    """The fee items of a catalogue item, in fen (empty if it charges nothing)."""
    if not item.fee_required:
        return []
    return [FeeLine(f.name, to_fen(f.amount)) for f in item.fees if to_fen(f.amount) > 0]


def total(lines: list[FeeLine]) -> int:
    return sum(line.amount for line in lines)


def payable_online(item: ServiceItem) -> bool:
    """The item charges fees and the catalogue says they can be paid online."""
    return item.online_payment and total(fees_of(item)) > 0


def timeout() -> timedelta:
    raw = os.environ.get("YIWANG_PAYMENT_TIMEOUT_S", "").strip()
    try:
        seconds = int(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"YIWANG_PAYMENT_TIMEOUT_S must be whole seconds, got {raw!r}") from None
    if seconds < 1:
        raise ValueError(f"YIWANG_PAYMENT_TIMEOUT_S must be at least 1, got {seconds}")
    return timedelta(seconds=seconds)


def _order_no(at, row_id: int) -> str:
    return f"YWP{at:%Y%m%d}{row_id:010d}"


# -- orders (database) ----------------------------------------------------------------------
def current(owner: str, checkout_id: int, session: Session | None = None) -> PaymentOrder | None:
    """The checkout's latest order (of this owner)."""
    with session_scope(session) as s:
        stmt = (
            select(PaymentOrder)
            .where(PaymentOrder.owner == owner, PaymentOrder.checkout_id == checkout_id)
            .order_by(col(PaymentOrder.id).desc())
        )
        return s.exec(stmt.execution_options(populate_existing=True)).first()


def open_order(
    owner: str, checkout: Checkout, lines: list[FeeLine], session: Session | None = None
) -> tuple[PaymentOrder, bool]:
    """The checkout's open order, or a new one for ``lines``; and whether it is new."""
    if checkout.owner != owner:
        raise store.NotFound("no such checkout of this user")
    amount = total(lines)
    if amount <= 0:
        raise store.Refused("nothing to pay")
    key = f"{owner}|{checkout.item_code}"[:300]
    with session_scope(session) as s:
        existing = s.exec(select(PaymentOrder).where(PaymentOrder.open_key == key)).first()
        if existing is not None:
            if existing.checkout_id == checkout.id and existing.amount == amount:
                return existing, False
            existing.open_key = None  # an older checkout's order: it no longer can be paid
            existing.status = "closed" if existing.status in OPEN else existing.status
            s.add(existing)
            s.flush()
        at = store.now()
        assert checkout.id is not None
        order = PaymentOrder(
            order_no=f"pending-{checkout.id}-{at.timestamp():.6f}"[:40],
            checkout_id=checkout.id,
            owner=owner,
            open_key=key,
            amount=amount,
            lines=[{"name": line.name, "amount": line.amount} for line in lines],
            status="created",
            outbox="create",
            created_at=at,
            updated_at=at,
        )
        s.add(order)
        try:
            s.flush()
        except IntegrityError:  # a parallel tap won: that order it is
            s.rollback()
            return open_order(owner, checkout, lines, s)
        assert order.id is not None
        order.order_no = _order_no(at, order.id)
        s.add(order)
        s.commit()
        s.refresh(order)
        return order, True


def _record_open(order_no: str, pay_url: str) -> None:
    with session_scope() as s:
        s.execute(
            sa.update(PaymentOrder)
            .where(col(PaymentOrder.order_no) == order_no, col(PaymentOrder.status) == "created")
            .values(status="open", outbox="", pay_url=pay_url[:500], updated_at=store.now())
        )
        s.commit()


def _by_no(order_no: str, s: Session) -> PaymentOrder | None:
    stmt = select(PaymentOrder).where(PaymentOrder.order_no == order_no)
    return s.exec(stmt.execution_options(populate_existing=True)).first()


#: what submits a paid order's application (``app.flow.checkout.submit_paid``, installed when
#: that module loads: the checkout uses this module, never the other way round)
_ON_PAID: Callable[[PaymentOrder, Session], object] | None = None


def on_paid(handler: Callable[[PaymentOrder, Session], object]) -> None:
    """Install what submits the application of an order the cashier says is paid."""
    global _ON_PAID
    _ON_PAID = handler


def apply_status(
    order_no: str,
    status: str,
    amount: int,
    *,
    trade_no: str = "",
    receipt_no: str = "",
    session: Session | None = None,
) -> PaymentOrder:
    """Record what the cashier says (from a verified notification or signed query) once.

    ``paid`` pays the order (first time only) and submits its application; later ``paid``
    messages only count. A closing status moves only an order that is still open."""
    with session_scope(session) as s:
        order = _by_no(order_no, s)
        if order is None:
            raise NotificationRefused(f"no order {order_no}")
        if amount != order.amount:
            raise NotificationRefused(
                f"order {order_no} is for {order.amount} fen, the message says {amount}"
            )
        at = store.now()
        if status == "paid":
            won = s.execute(
                sa.update(PaymentOrder)
                .where(col(PaymentOrder.id) == order.id, col(PaymentOrder.paid_at).is_(None))
                .values(
                    status="paid",
                    outbox="",
                    open_key=None,
                    trade_no=trade_no[:64],
                    receipt_no=receipt_no[:64],
                    paid_at=at,
                    updated_at=at,
                    notifications=PaymentOrder.notifications + 1,
                )
            )
            won = int(cast("sa.CursorResult[Any]", won).rowcount or 0)
            if not won:
                s.execute(
                    sa.update(PaymentOrder)
                    .where(col(PaymentOrder.id) == order.id)
                    .values(notifications=PaymentOrder.notifications + 1)
                )
            s.commit()
            order = _by_no(order_no, s)
            assert order is not None
            if not order.application_number:  # also after a crash between the two steps
                if _ON_PAID is None:
                    raise RuntimeError(
                        "app.flow.checkout is not loaded: nothing submits paid orders"
                    )
                _ON_PAID(order, s)
                order = _by_no(order_no, s)
                assert order is not None
            return order
        if status in CLOSED and order.status in OPEN:
            s.execute(
                sa.update(PaymentOrder)
                .where(col(PaymentOrder.id) == order.id, col(PaymentOrder.status).in_(OPEN))
                .values(status=status, open_key=None, outbox="", updated_at=at)
            )
            s.commit()
            order = _by_no(order_no, s)
            assert order is not None
        return order


def link_application(order_id: int, number: str, s: Session) -> None:
    """The paid order's application is in: record the receipt on its timeline (once)."""
    order = s.get(PaymentOrder, order_id)
    assert order is not None
    app = s.exec(select(Application).where(Application.number == number)).first()
    assert app is not None and app.id is not None
    order.application_number = number
    s.add(order)
    timeline.record(s, app.id, Milestone.PAID, f"receipt:{order.receipt_no}")
    s.commit()


def notified(body: Any) -> PaymentOrder:
    """A notification from the cashier (its JSON body): verify and apply it; raises
    :class:`NotificationRefused` (logged as a security event) when it is not trusted."""
    url, merchant, key = cashier_settings()
    try:
        if not url or not key:
            raise NotificationRefused("no cashier is configured")
        try:
            fields = verify(body, key)
        except BadSignature as exc:
            raise NotificationRefused(str(exc)) from None
        if fields.get("merchant_id") != merchant:
            raise NotificationRefused("the notification is for another merchant")
        status = fields.get("status", "")
        if status not in NOTIFIED:
            raise NotificationRefused(f"unknown status {status!r}")
        try:
            amount = int(fields.get("amount", ""))
        except ValueError:
            raise NotificationRefused("the amount is not whole fen") from None
        return apply_status(
            fields.get("order_no", ""),
            status,
            amount,
            trade_no=fields.get("trade_no", ""),
            receipt_no=fields.get("receipt_no", ""),
        )
    except NotificationRefused as exc:
        order_no = body.get("order_no", "") if isinstance(body, dict) else ""
        security_log.warning(
            "payment_notification_refused order=%s reason=%s", str(order_no)[:40], exc
        )
        raise


# -- talking to the cashier -----------------------------------------------------------------
async def send(
    client: CashierClient, order: PaymentOrder, subject: str, notify_url: str, return_url: str
) -> PaymentOrder:
    """Create the order at the cashier (idempotent by number); raises CashierError. What is
    sent is kept on the order first, so that the outbox can send it again."""
    await asyncio.to_thread(_remember, order.order_no, subject, notify_url, return_url)
    answer = await client.create_order(
        order.order_no,
        order.amount,
        subject,
        notify_url=notify_url,
        return_url=return_url,
        expire_seconds=int(timeout().total_seconds()),
    )
    if answer.status == "created":
        await asyncio.to_thread(_record_open, order.order_no, answer.pay_url)
    else:  # paid or closed already (a retry after the citizen acted): take its word
        await asyncio.to_thread(
            apply_status,
            order.order_no,
            answer.status,
            answer.amount,
            trade_no=answer.trade_no,
            receipt_no=answer.receipt_no,
        )
    return await asyncio.to_thread(fresh, order.order_no)


def _remember(order_no: str, subject: str, notify_url: str, return_url: str) -> None:
    with session_scope() as s:
        s.execute(
            sa.update(PaymentOrder)
            .where(col(PaymentOrder.order_no) == order_no)
            .values(subject=subject[:200], notify_url=notify_url[:500], return_url=return_url[:500])
        )
        s.commit()


def _unsent(owner: str | None, lease: timedelta | None = None) -> list[PaymentOrder]:
    """Orders the cashier has not acknowledged yet (sent once, so their addresses are known);
    with ``lease``, only those this caller claimed (:func:`claim`)."""
    with session_scope() as s:
        stmt = select(PaymentOrder).where(
            PaymentOrder.outbox == "create", PaymentOrder.notify_url != ""
        )
        if owner is not None:
            stmt = stmt.where(PaymentOrder.owner == owner)
        rows = list(s.exec(stmt.order_by(col(PaymentOrder.id))).all())
        return rows if lease is None else claim(s, rows, "create", lease)


def claim(
    s: Session, rows: list[PaymentOrder], outbox: str, lease: timedelta
) -> list[PaymentOrder]:
    """Take outbox rows for ``lease``: one conditional UPDATE each, so of several workers
    pushing at once exactly one gets a row; a row touched within the lease (by a citizen's
    own tap, or claimed by another worker whose send is still under way) is left alone.
    Returns the rows this caller won, read again."""
    at = store.now()
    won = []
    for row in rows:
        result = s.execute(
            sa.update(PaymentOrder)
            .where(
                col(PaymentOrder.id) == row.id,
                col(PaymentOrder.outbox) == outbox,
                col(PaymentOrder.updated_at) < at - lease,
            )
            .values(updated_at=at)
        )
        if cast("sa.CursorResult[Any]", result).rowcount:
            won.append(row.id)
    s.commit()
    if not won:
        return []
    stmt = select(PaymentOrder).where(col(PaymentOrder.id).in_(won)).order_by(col(PaymentOrder.id))
    return list(s.exec(stmt.execution_options(populate_existing=True)).all())


def fresh(order_no: str) -> PaymentOrder:
    with session_scope() as s:
        order = _by_no(order_no, s)
        assert order is not None
        return order


async def reconcile(client: CashierClient, order: PaymentOrder) -> PaymentOrder:
    """Ask the cashier (a signed answer, server to server) about an open order, e.g. when the
    citizen is back but no notification came, or the order may have timed out."""
    answer = await client.query(order.order_no)
    if answer.status != "created":
        return await asyncio.to_thread(
            apply_status,
            order.order_no,
            answer.status,
            answer.amount,
            trade_no=answer.trade_no,
            receipt_no=answer.receipt_no,
        )
    return order


def mark_refund(number: str, reason: str, session: Session | None = None) -> PaymentOrder | None:
    """The back office rejected a paid application: queue its refund (once)."""
    with session_scope(session) as s:
        stmt = select(PaymentOrder).where(
            PaymentOrder.application_number == number, PaymentOrder.status == "paid"
        )
        order = s.exec(stmt).first()
        if order is None:
            return None
        order.status, order.outbox = "refunding", "refund"
        order.refund_no = f"R{order.order_no[3:]}"[:40]
        order.updated_at = store.now()
        s.add(order)
        app = s.exec(select(Application).where(Application.number == number)).first()
        if app is not None and app.id is not None:
            timeline.record(s, app.id, Milestone.REFUNDING)
        s.commit()
        return order


def _refunded(order_id: int) -> None:
    """The cashier took the refund: record it once (a conditional UPDATE: of two pushes
    that sent the same refund, only one writes the timeline's 已退费)."""
    with session_scope() as s:
        won = s.execute(
            sa.update(PaymentOrder)
            .where(col(PaymentOrder.id) == order_id, col(PaymentOrder.status) == "refunding")
            .values(status="refunded", outbox="", updated_at=store.now())
        )
        if not cast("sa.CursorResult[Any]", won).rowcount:
            return
        order = s.get(PaymentOrder, order_id)
        assert order is not None
        app = s.exec(
            select(Application).where(Application.number == order.application_number)
        ).first()
        if app is not None and app.id is not None:
            timeline.record(s, app.id, Milestone.REFUNDED, f"refund:{order.refund_no}")
        s.commit()


def _pending_refunds(owner: str | None, lease: timedelta | None = None) -> list[PaymentOrder]:
    with session_scope() as s:
        stmt = select(PaymentOrder).where(PaymentOrder.outbox == "refund")
        if owner is not None:
            stmt = stmt.where(PaymentOrder.owner == owner)
        rows = list(s.exec(stmt.order_by(col(PaymentOrder.id))).all())
        return rows if lease is None else claim(s, rows, "refund", lease)


async def push(
    owner: str | None = None, client: CashierClient | None = None, *, lease: timedelta | None = None
) -> int:
    """Send what the cashier has not heard (of ``owner`` or everyone's): orders it could not
    be reached for, then refunds; how many went. Stops at the first failure.

    With ``lease`` (the periodic retry, ``app.flow.outbox``, on every worker at once) each row
    is claimed first and only rows untouched for that long are taken. Sending a row twice is
    harmless either way: the cashier is idempotent by order and refund number, and what its
    answer changes here is written once (conditional UPDATEs)."""
    client = client or cashier_client()
    if client is None:
        return 0
    sent = 0
    for order in await asyncio.to_thread(_unsent, owner, lease):
        try:
            await send(client, order, order.subject, order.notify_url, order.return_url)
        except CashierError as exc:
            log.warning("order %s not sent: %s", order.order_no, exc)
            return sent
        sent += 1
    for order in await asyncio.to_thread(_pending_refunds, owner, lease):
        try:
            await client.refund(order.order_no, order.refund_no, order.amount, "不予受理退费")
        except CashierError as exc:
            log.warning("refund of %s not sent: %s", order.order_no, exc)
            return sent
        assert order.id is not None
        await asyncio.to_thread(_refunded, order.id)
        sent += 1
    return sent


def for_application(owner: str, number: str, session: Session | None = None) -> PaymentOrder | None:
    """The paid (or refunded) order of the owner's application, if any."""
    with session_scope(session) as s:
        stmt = select(PaymentOrder).where(
            PaymentOrder.owner == owner, PaymentOrder.application_number == number
        )
        return s.exec(stmt).first()


def receipts(owner: str, session: Session | None = None) -> dict[str, PaymentOrder]:
    """The owner's paid orders by application number (for 我的)."""
    with session_scope(session) as s:
        stmt = select(PaymentOrder).where(
            PaymentOrder.owner == owner, PaymentOrder.application_number != ""
        )
        return {o.application_number: o for o in s.exec(stmt).all()}


def payment_client() -> CashierClient | None:
    return cashier_client()


def orders_of(owners: Collection[str], session: Session | None = None) -> list[PaymentOrder]:
    """Every payment order of these owners, oldest first (the fault drills' checks)."""
    with session_scope(session) as s:
        stmt = select(PaymentOrder).where(col(PaymentOrder.owner).in_(list(owners)))
        return list(s.exec(stmt.order_by(col(PaymentOrder.id))).all())


def orders_numbered(
    order_nos: Collection[str], session: Session | None = None
) -> list[PaymentOrder]:
    """The payment orders with these order numbers, oldest first (those the app has)."""
    with session_scope(session) as s:
        stmt = select(PaymentOrder).where(col(PaymentOrder.order_no).in_(list(order_nos)))
        return list(s.exec(stmt.order_by(col(PaymentOrder.id))).all())
