"""An application's timeline (``ApplicationEvent`` rows): its status changes and the payment
and delivery milestones. :func:`record` is the one writer; the rows are read by
``applications.events`` and ``applications.recent_events``."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.domain.rules import TimelineKind
from app.flow.store.base import now
from app.flow.tables import ApplicationEvent

__all__ = ["NOTE_MAX", "record"]

#: the column's width (``ApplicationEvent.note``); a longer note is cut
NOTE_MAX = 500


def record(
    s: Session, application_id: int, kind: TimelineKind, note: str = "", at: datetime | None = None
) -> ApplicationEvent:
    """Add one row to the timeline of application ``application_id`` in ``s`` (the caller
    commits with its own change). ``note`` is free text for a status change (the back office's
    reason) or a typed reference: ``receipt:…``, ``refund:…``, ``tracking:…``, ``correction``."""
    row = ApplicationEvent(
        application_id=application_id,
        status=str(kind),
        note=note[:NOTE_MAX],
        at=at if at is not None else now(),
    )
    s.add(row)
    return row
