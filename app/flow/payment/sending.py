"""Orders and refunds sent to the cashier (``app.flow.payment``): what could not be sent stays
in the outbox and :func:`push` sends it again; :func:`reconcile` asks for an order's status."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.adapters.cashier import CashierClient, CashierError
from app.adapters.cashier import client_from_env as cashier_client
from app.db import session_scope
from app.domain.rules import Milestone
from app.flow import store
from app.flow.checkout_tables import PaymentOrder
from app.flow.payment.orders import apply_status, order_by_no, timeout
from app.flow.store import timeline
from app.flow.tables import Application

log = logging.getLogger("app.flow.payment")


def _record_open(order_no: str, pay_url: str) -> None:
    with session_scope() as s:
        s.exec(
            sa.update(PaymentOrder)
            .where(col(PaymentOrder.order_no) == order_no, col(PaymentOrder.status) == "created")
            .values(status="open", outbox="", pay_url=pay_url[:500], updated_at=store.now())
        )
        s.commit()


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
        s.exec(
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
    won: list[int | None] = []
    for row in rows:
        result = s.exec(
            sa.update(PaymentOrder)
            .where(
                col(PaymentOrder.id) == row.id,
                col(PaymentOrder.outbox) == outbox,
                col(PaymentOrder.updated_at) < at - lease,
            )
            .values(updated_at=at)
        )
        if result.rowcount:
            won.append(row.id)
    s.commit()
    if not won:
        return []
    stmt = select(PaymentOrder).where(col(PaymentOrder.id).in_(won)).order_by(col(PaymentOrder.id))
    return list(s.exec(stmt.execution_options(populate_existing=True)).all())


def fresh(order_no: str) -> PaymentOrder:
    with session_scope() as s:
        order = order_by_no(order_no, s)
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
        won = s.exec(
            sa.update(PaymentOrder)
            .where(col(PaymentOrder.id) == order_id, col(PaymentOrder.status) == "refunding")
            .values(status="refunded", outbox="", updated_at=store.now())
        )
        if not won.rowcount:
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


def payment_client() -> CashierClient | None:
    return cashier_client()
