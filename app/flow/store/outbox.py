"""What the back office must still hear of each application, and how far its changes were
applied (``app.flow.backoffice`` sends and fetches; this records)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.db import session_scope
from app.flow.tables import Application


def pending(owner: str | None = None, session: Session | None = None) -> list[Application]:
    """Applications (of ``owner``, or everyone's) with something the back office must hear."""
    with session_scope(session) as s:
        stmt = select(Application).where(Application.outbox != "")
        if owner is not None:
            stmt = stmt.where(Application.owner == owner)
        return list(s.exec(stmt.order_by(col(Application.id))).all())


def mark_sent(number: str, outbox: str, session: Session | None = None) -> None:
    """The back office acknowledged ``outbox`` for this application (unless a newer one is
    waiting)."""
    with session_scope(session) as s:
        s.exec(
            sa.update(Application)
            .where(col(Application.number) == number, col(Application.outbox) == outbox)
            .values(outbox="")
        )
        s.commit()


def backoffice_cursor(session: Session | None = None) -> int:
    """The last back-office change applied to any application (the next ``since``)."""
    with session_scope(session) as s:
        return int(s.exec(select(sa.func.max(Application.backoffice_seq))).one() or 0)
