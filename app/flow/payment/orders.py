"""Payment orders in the database: one open order per item, the cashier's status applied once,
the signed notification checked (``app.flow.payment``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.cashier import NOTIFIED, BadSignature, verify
from app.adapters.cashier import settings as cashier_settings
from app.db import session_scope
from app.domain.rules import Milestone
from app.flow import store
from app.flow.checkout_tables import Checkout, PaymentOrder
from app.flow.payment.fees import FeeLine, total
from app.flow.store import timeline
from app.flow.tables import Application

security_log = logging.getLogger("yiwang.security")

#: an unpaid order closes after this long at the cashier (YIWANG_PAYMENT_TIMEOUT_S)
DEFAULT_TIMEOUT_S = 900
OPEN = ("created", "open")
CLOSED = ("cancelled", "failed", "closed")


class NotificationRefused(ValueError):
    """A notification that is not trusted or does not fit its order; the message says why."""


def timeout() -> timedelta:
    raw = os.environ.get("YIWANG_PAYMENT_TIMEOUT_S", "").strip()
    try:
        seconds = int(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"YIWANG_PAYMENT_TIMEOUT_S must be whole seconds, got {raw!r}") from None
    if seconds < 1:
        raise ValueError(f"YIWANG_PAYMENT_TIMEOUT_S must be at least 1, got {seconds}")
    return timedelta(seconds=seconds)


def _order_no(at: datetime, row_id: int) -> str:
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


def order_by_no(order_no: str, s: Session) -> PaymentOrder | None:
    stmt = select(PaymentOrder).where(PaymentOrder.order_no == order_no)
    return s.exec(stmt.execution_options(populate_existing=True)).first()


#: what submits a paid order's application (``app.flow.checkout.submit_paid``, installed when
#: that module loads: the checkout uses this module, never the other way round)
_paid_handler: Callable[[PaymentOrder, Session], object] | None = None


def on_paid(handler: Callable[[PaymentOrder, Session], object]) -> None:
    """Install what submits the application of an order the cashier says is paid."""
    global _paid_handler
    _paid_handler = handler


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
        order = order_by_no(order_no, s)
        if order is None:
            raise NotificationRefused(f"no order {order_no}")
        if amount != order.amount:
            raise NotificationRefused(
                f"order {order_no} is for {order.amount} fen, the message says {amount}"
            )
        at = store.now()
        if status == "paid":
            won = s.exec(
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
            won = int(won.rowcount or 0)
            if not won:
                s.exec(
                    sa.update(PaymentOrder)
                    .where(col(PaymentOrder.id) == order.id)
                    .values(notifications=PaymentOrder.notifications + 1)
                )
            s.commit()
            order = order_by_no(order_no, s)
            assert order is not None
            if not order.application_number:  # also after a crash between the two steps
                if _paid_handler is None:
                    raise RuntimeError(
                        "app.flow.checkout is not loaded: nothing submits paid orders"
                    )
                _paid_handler(order, s)
                order = order_by_no(order_no, s)
                assert order is not None
            return order
        if status in CLOSED and order.status in OPEN:
            s.exec(
                sa.update(PaymentOrder)
                .where(col(PaymentOrder.id) == order.id, col(PaymentOrder.status).in_(OPEN))
                .values(status=status, open_key=None, outbox="", updated_at=at)
            )
            s.commit()
            order = order_by_no(order_no, s)
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
        # the body is JSON from outside: a dict whose keys are strings, or anything else
        raw = cast("dict[str, object]", body) if isinstance(body, dict) else {}
        order_no = raw.get("order_no", "")
        security_log.warning(
            "payment_notification_refused order=%s reason=%s", str(order_no)[:40], exc
        )
        raise


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
