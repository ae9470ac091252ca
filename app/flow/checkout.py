"""Between the check page and the submission: the delivery choice and the payment.

An item that supports express delivery or charges fees payable online is not submitted
straight from its check page. The page's handler, once every answer, the declaration and the
consent are checked, calls :func:`hold` with what it would have submitted (a snapshot taken on
the server) and sends the citizen to ``/checkout/<code>``. There the citizen chooses how to
receive the result and pays; the application is submitted (``applications.submit``, idempotent by the
check page's key) only when the choice is made and, for a paid item, the cashier's signed
notification says paid. Until then the draft stays as it was.

:func:`after_move` is called by ``applications.advance`` for every back-office move: a rejection after
payment queues a refund, a completion of an express application queues the dispatch.
:func:`sync` sends what is queued and pulls tracking (beside ``backoffice.sync``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any, Literal

from sqlmodel import Session, col, select

from app.catalogue.queries import get_item
from app.db import session_scope
from app.domain.rules import Milestone, Status
from app.domain.service_item import ServiceItem
from app.flow import delivery, payment, store
from app.flow.checkout_tables import Checkout, PaymentOrder
from app.flow.store import applications
from app.text import st as t

log = logging.getLogger(__name__)
ROUTE = "/checkout"

#: where a checkout stands, as its page shows it (``/checkout/<code>``)
Stage = Literal[
    "delivery", "confirm", "pay", "unreachable", "waiting", "cancelled", "failed", "timeout", "done"
]
#: an order's status -> the stage of a checkout that needs payment and has its delivery
ORDER_STAGES: dict[str, Stage] = {
    "open": "waiting",
    "paid": "done",
    "refunding": "done",
    "refunded": "done",
    "cancelled": "cancelled",
    "failed": "failed",
    "closed": "timeout",
}


def stage(row: Checkout, order: PaymentOrder | None) -> Stage | None:
    """The stage of a stored checkout and its current order: submitted (``done``), the
    delivery to choose, the confirmation of an unpaid item, or where its payment stands
    (``unreachable``: the order was never acknowledged by the cashier). ``None``: an order in
    a state no stage describes (the page keeps what it showed)."""
    if row.application_number:
        return "done"
    if row.needs_delivery and not row.delivery:
        return "delivery"
    if not row.needs_payment:
        return "confirm"
    if order is None:
        return "pay"
    if order.status == "created" and order.outbox == "create":
        return "unreachable"
    return ORDER_STAGES.get(order.status)


def needs(item: ServiceItem | None) -> tuple[bool, bool]:
    """``(payment, delivery)`` this item asks for before it is submitted."""
    if item is None:
        return False, False
    return payment.payable_online(item), bool(item.express_delivery)


def hold_if_needed(owner: str, key: str, snapshot: dict[str, Any]) -> str | None:
    """The check page's submit: if the snapshot's item needs delivery or payment, keep the
    snapshot in a checkout and return the page to go to; ``None``: submit it as before."""
    item = get_item(str(snapshot["item_code"])) if snapshot.get("item_code") else None
    needs_payment, needs_delivery = needs(item)
    if not (needs_payment or needs_delivery):
        return None
    hold(
        owner,
        str(snapshot["item_code"]),
        key,
        snapshot,
        needs_payment=needs_payment,
        needs_delivery=needs_delivery,
    )
    return f"{ROUTE}/{snapshot['item_code']}"


def hold(
    owner: str,
    item_code: str,
    key: str,
    snapshot: dict[str, Any],
    *,
    needs_payment: bool,
    needs_delivery: bool,
    session: Session | None = None,
) -> Checkout:
    """The citizen's open checkout of this item with this snapshot (one open per item).

    A repeated tap reuses it; a later change of answers updates it unless an order of it has
    been paid (then it is submitted as paid and nothing changes it)."""
    with session_scope(session) as s:
        row = open_for(owner, item_code, s)
        at = store.now()
        if row is not None:
            paid = s.exec(
                select(PaymentOrder).where(
                    PaymentOrder.checkout_id == row.id, col(PaymentOrder.paid_at).is_not(None)
                )
            ).first()
            if paid is None:
                row.snapshot, row.idempotency_key = dict(snapshot), key
                row.needs_payment, row.needs_delivery = needs_payment, needs_delivery
                row.updated_at = at
                s.add(row)
                s.commit()
                s.refresh(row)
            return row
        row = Checkout(
            owner=owner,
            item_code=item_code,
            idempotency_key=key,
            snapshot=dict(snapshot),
            delivery={},
            needs_payment=needs_payment,
            needs_delivery=needs_delivery,
            created_at=at,
            updated_at=at,
        )
        s.add(row)
        s.commit()
        s.refresh(row)
        return row


def open_for(owner: str, item_code: str, session: Session | None = None) -> Checkout | None:
    with session_scope(session) as s:
        stmt = (
            select(Checkout)
            .where(
                Checkout.owner == owner,
                Checkout.item_code == item_code,
                Checkout.application_number == "",
            )
            .order_by(col(Checkout.id).desc())
        )
        return s.exec(stmt.execution_options(populate_existing=True)).first()


def latest(owner: str, item_code: str, session: Session | None = None) -> Checkout | None:
    """The citizen's newest checkout of the item, finished or not."""
    with session_scope(session) as s:
        stmt = (
            select(Checkout)
            .where(Checkout.owner == owner, Checkout.item_code == item_code)
            .order_by(col(Checkout.id).desc())
        )
        return s.exec(stmt.execution_options(populate_existing=True)).first()


def choose_delivery(
    owner: str, checkout_id: int, choice: dict[str, Any], session: Session | None = None
) -> Checkout:
    with session_scope(session) as s:
        row = s.get(Checkout, checkout_id)
        if row is None or row.owner != owner:
            raise store.NotFound(f"no checkout {checkout_id} of this user")
        if row.application_number:
            raise store.Refused("this application has already been submitted")
        row.delivery, row.updated_at = dict(choice), store.now()
        s.add(row)
        s.commit()
        s.refresh(row)
        return row


def submit(row: Checkout, s: Session) -> str:
    """Submit the checkout's application (once: by its key) and record its delivery."""
    snap = row.snapshot
    app, _ = applications.submit(
        row.owner,
        row.idempotency_key,
        item_code=str(snap["item_code"]),
        form_key=str(snap["form_key"]),
        item_name=str(snap["item_name"]),
        department=str(snap["department"]),
        area_code=str(snap["area_code"]),
        values=dict(snap["values"]),
        promised_days=int(snap["promised_days"]),
        session=s,
    )
    delivery.record(row.owner, app.number, row.delivery, s)
    fresh = s.get(Checkout, row.id)
    assert fresh is not None
    fresh.application_number, fresh.updated_at = app.number, store.now()
    s.add(fresh)
    s.commit()
    return app.number


def submit_unpaid(owner: str, checkout_id: int, session: Session | None = None) -> str:
    """Submit a checkout that needs no payment (its delivery choice made)."""
    with session_scope(session) as s:
        row = s.get(Checkout, checkout_id)
        if row is None or row.owner != owner:
            raise store.NotFound(f"no checkout {checkout_id} of this user")
        if row.application_number:
            return row.application_number
        if row.needs_payment:
            raise store.Refused("this application is submitted once it is paid")
        if row.needs_delivery and not row.delivery:
            raise store.Refused("choose how to receive the result first")
        return submit(row, s)


def submit_paid(order: PaymentOrder, s: Session) -> str:
    """The cashier said paid: submit the order's checkout and put the receipt on it."""
    row = s.get(Checkout, order.checkout_id)
    assert row is not None
    number = row.application_number or submit(row, s)
    assert order.id is not None
    payment.link_application(order.id, number, s)
    return number


payment.on_paid(submit_paid)


def advance(
    number: str, status: str, note: str = "", session: Session | None = None, seq: int = 0
) -> bool:
    """``applications.advance`` and what follows a move (refund, dispatch): every back-office move
    of an application goes through here (the back-office sync, the operator tool)."""
    moved = applications.advance(number, status, note, session=session, seq=seq)
    if moved:
        after_move(number, status, session)
    return moved


def after_move(number: str, status: str, s: Session | None) -> None:
    """A back-office move was recorded: refund after rejection, dispatch after completion."""
    if status == Status.REJECTED:
        payment.mark_refund(number, Status.REJECTED, s)
    elif status == Status.COMPLETED:
        delivery.mark_dispatch(number, s)


async def sync(owner: str | None = None) -> None:
    """Send queued refunds and dispatches and pull tracking; failures are logged and the
    work stays queued for the next call."""
    try:
        await payment.push(owner)
        await delivery.push(owner)
        await delivery.pull(owner)
    except Exception:  # one outside system being odd must not break the page
        log.exception("payment/delivery sync failed")


def event_label(status: str) -> str | None:
    """Timeline labels of the payment and delivery events (None: not one of ours)."""
    labels: dict[str, str] = {
        Milestone.PAID: t("已缴费"),
        Milestone.REFUNDING: t("退费办理中"),
        Milestone.REFUNDED: t("已退费"),
        Milestone.SHIPPED: t("已交寄"),
        Milestone.COLLECTED: t("快递已揽收"),
        Milestone.IN_TRANSIT: t("运输中"),
        Milestone.DELIVERING: t("派送中"),
        Milestone.SIGNED: t("已签收"),
    }
    return labels.get(status)


def event_note(note: str) -> str | None:
    """The note of one of our events in words (None: not one of ours)."""
    kind, _, value = note.partition(":")
    if kind == "receipt":
        return t("电子票据号 {number}", number=value)
    if kind == "refund":
        return t("退款单号 {number}，款项将原路退回", number=value)
    if kind == "tracking":
        return t("快递单号 {number}", number=value)
    return None


def checkouts_of(owners: Collection[str], session: Session | None = None) -> list[Checkout]:
    """Every checkout of these owners, oldest first (the fault drills' checks)."""
    with session_scope(session) as s:
        stmt = select(Checkout).where(col(Checkout.owner).in_(list(owners)))
        return list(s.exec(stmt.order_by(col(Checkout.id))).all())
