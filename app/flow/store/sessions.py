"""Sessions of the flow: opened at sign-in (through a single-use handoff ticket), ended by
sign-out, idleness or age (the cookie holds a secret; only its hash is stored)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from app.db import session_scope
from app.domain.identity import Identity
from app.domain.rules import ABSOLUTE_LIFETIME, IDLE_TIMEOUT
from app.flow.store.base import aware, now, rowcount
from app.flow.tables import FlowSession

#: how stale the recorded activity of a session may be before a touch writes it again
TOUCH_EVERY = timedelta(minutes=1)
#: how long the single-use login ticket may wait for the browser to exchange it
HANDOFF_TTL = timedelta(seconds=60)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Active:
    identity: Identity
    idle_deadline: datetime
    absolute_deadline: datetime


def open_session(identity: Identity, session: Session | None = None) -> str:
    """Start a session; return the secret for the cookie (only its hash is stored)."""
    secret = secrets.token_urlsafe(32)
    at = now()
    with session_scope(session) as s:
        s.add(
            FlowSession(
                id_hash=_hash(secret),
                sub=identity.sub,
                identity=identity.to_dict(),
                created_at=at,
                last_seen_at=at,
            )
        )
        s.commit()
    return secret


def open_handoff(identity: Identity, session: Session | None = None) -> str:
    """Start a session that only :func:`redeem_handoff` can activate; return its ticket.

    The event handler that completes a login never holds the session secret: it sends the
    browser to ``/flow/session?ticket=…``, whose HTTP answer sets the HttpOnly cookie."""
    ticket = secrets.token_urlsafe(32)
    at = now()
    with session_scope(session) as s:
        s.add(
            FlowSession(
                id_hash=_hash(ticket),
                sub=identity.sub,
                identity=identity.to_dict(),
                created_at=at,
                last_seen_at=at,
                handoff=True,
            )
        )
        s.commit()
    return ticket


def redeem_handoff(
    ticket: str, at: datetime | None = None, session: Session | None = None
) -> str | None:
    """Exchange a login ticket (once, within :data:`HANDOFF_TTL`) for the session secret."""
    if not ticket or len(ticket) > 128:
        return None
    at = at or now()
    secret = secrets.token_urlsafe(32)
    with session_scope(session) as s:
        row = s.get(FlowSession, _hash(ticket))
        if row is None or not row.handoff or row.ended_at is not None:
            return None
        if at - aware(row.created_at) > HANDOFF_TTL:
            return None
        # One UPDATE decides: a second exchange of the same ticket changes no row.
        done = s.exec(
            sa.update(FlowSession)
            .where(col(FlowSession.id_hash) == _hash(ticket), col(FlowSession.handoff).is_(True))
            .values(id_hash=_hash(secret), handoff=False, last_seen_at=at)
        )
        s.commit()
    return secret if rowcount(done) == 1 else None


def touch_session(
    secret: str, at: datetime | None = None, session: Session | None = None
) -> Active | None:
    """The session's identity if it is alive (and mark it active now), else ``None``.

    Idle longer than 15 minutes or older than 12 hours ends the session for good.

    Activity is recorded to the minute (:data:`TOUCH_EVERY`): every flow event calls this,
    and a commit on each (a disk flush on PostgreSQL) is a write nobody needs to the second.
    Within a minute of the last recorded activity the row is only read; the idle deadline
    returned is then counted from that recorded activity, so it is never later than the one
    the database enforces (at most a minute earlier).
    """
    if not secret:
        return None
    at = at or now()
    with session_scope(session) as s:
        row = s.get(FlowSession, _hash(secret))
        if row is None or row.ended_at is not None or row.handoff:
            return None
        seen = aware(row.last_seen_at)
        if at - seen > IDLE_TIMEOUT or at - aware(row.created_at) > ABSOLUTE_LIFETIME:
            row.ended_at = at
            s.add(row)
            s.commit()
            return None
        if at - seen >= TOUCH_EVERY:
            row.last_seen_at = seen = at
            s.add(row)
            s.commit()
        absolute = aware(row.created_at) + ABSOLUTE_LIFETIME
        deadline = min(seen + IDLE_TIMEOUT, absolute)
        return Active(Identity.from_dict(row.identity), deadline, absolute)


def end_session(secret: str, session: Session | None = None) -> None:
    with session_scope(session) as s:
        row = s.get(FlowSession, _hash(secret))
        if row is not None and row.ended_at is None:
            row.ended_at = now()
            s.add(row)
            s.commit()
