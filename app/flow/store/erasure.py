"""Erasure of every flow row of some owners: their payments, checkouts, deliveries,
applications with their events, drafts and sessions. For the load and fault scripts, which
sign in synthetic citizens (``sbx-load-*``) and remove what they leave behind."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.db import session_scope
from app.flow.checkout_tables import Checkout, Delivery, PaymentOrder
from app.flow.store.base import rowcount
from app.flow.tables import Application, ApplicationEvent, Draft, FlowSession

BATCH = 500

#: which owners a pass deletes: a condition on a table's owner column
Match = Callable[[Any], sa.ColumnElement[bool]]


def erase_owners(
    owners: Collection[str] = (), *, prefix: str = "", session: Session | None = None
) -> int:
    """Delete the rows of ``owners`` and, if ``prefix`` is set, of every owner whose id starts
    with it; return how many rows went. Nothing is deleted when neither names an owner."""
    given = sorted(set(owners))
    matches: list[Match] = [
        lambda column, batch=given[i : i + BATCH]: col(column).in_(batch)
        for i in range(0, len(given), BATCH)
    ]
    if prefix:
        matches.append(lambda column: col(column).startswith(prefix, autoescape=True))
    removed = 0
    with session_scope(session) as s:
        for match in matches:
            removed += _erase(s, match)
        s.commit()
    return removed


def _erase(s: Session, match: Match) -> int:
    """One pass over the flow's tables, the events before their applications."""
    of_owners = select(Application.id).where(match(Application.owner))
    statements = [
        sa.delete(PaymentOrder).where(match(PaymentOrder.owner)),
        sa.delete(Checkout).where(match(Checkout.owner)),
        sa.delete(Delivery).where(match(Delivery.owner)),
        sa.delete(ApplicationEvent).where(col(ApplicationEvent.application_id).in_(of_owners)),
        sa.delete(Application).where(match(Application.owner)),
        sa.delete(Draft).where(match(Draft.owner)),
        sa.delete(FlowSession).where(match(FlowSession.sub)),
    ]
    return sum(rowcount(s.exec(statement)) for statement in statements)
