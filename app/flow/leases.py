"""Deployment-wide leases: work that one backend worker does at a time (``flow_lease``).

Every worker of scaled mode runs the same lifespan tasks (``app.flow.outbox``). Work that is
per row claims its rows one by one (``payment.claim``); work that is one job for the whole
deployment — pulling the back office's change feed — takes a lease by name first: one
conditional UPDATE, so of several workers asking at once exactly one gets it until it
expires (a worker killed while holding it blocks the job for at most one lease).
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.db import session_scope
from app.flow import store
from app.flow.checkout_tables import WorkLease


def holder_id() -> str:
    """This process as a lease holder (host and pid: a restarted worker is a new holder)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def take(
    name: str, lease: timedelta, holder: str | None = None, session: Session | None = None
) -> bool:
    """Hold ``name`` for ``lease`` from now if it is free (expired) or already ours; whether
    this caller holds it now."""
    me = holder or holder_id()
    at = store.now()
    with session_scope(session) as s:
        if s.get(WorkLease, name) is None:
            try:  # the first ask ever: the row, already expired
                s.add(WorkLease(name=name, holder="", until=at - timedelta(seconds=1)))
                s.commit()
            except IntegrityError:  # another worker made it meanwhile
                s.rollback()
        result = s.exec(
            sa.update(WorkLease)
            .where(
                col(WorkLease.name) == name,
                sa.or_(col(WorkLease.until) < at, col(WorkLease.holder) == me),
            )
            .values(holder=me, until=at + lease)
        )
        s.commit()
        return bool(result.rowcount)
