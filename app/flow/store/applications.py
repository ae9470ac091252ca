"""Applications: the idempotent submission (which ends the draft), the owner's list and
progress, the back office's moves, and the citizen's correction (补正) of a returned one."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db import session_scope
from app.domain.rules import MOVES, Status, valid_idempotency_key
from app.flow.store import timeline
from app.flow.store.base import NotFound, Refused, now, rowcount
from app.flow.tables import Application, ApplicationEvent, Draft, StoredFile

#: the note of the timeline row a correction (补正) writes; counted for its round
CORRECTION = "correction"


def _number(area: str, at: datetime, row_id: int) -> str:
    """办件编号: 6-digit area, date, 8-digit sequence, e.g. ``370102-20261125-00000042``."""
    return f"{area[:6]}-{at:%Y%m%d}-{row_id:08d}"


def submit(
    owner: str,
    idempotency_key: str,
    *,
    item_code: str,
    form_key: str,
    item_name: str,
    department: str,
    area_code: str,
    values: dict[str, str],
    promised_days: int,
    session: Session | None = None,
) -> tuple[Application, bool]:
    """Create the application once per idempotency key; return it and whether it is new.

    A repeated key (double tap, retry, resent request) returns the first application. The
    owner's draft for the item is deleted in the same transaction.
    """
    key = idempotency_key.strip()
    if not valid_idempotency_key(key):
        raise Refused("idempotency key must be 16-64 letters, digits, - or _")
    with session_scope(session) as s:
        existing = s.exec(select(Application).where(Application.idempotency_key == key)).first()
        if existing is not None:
            if existing.owner != owner:
                raise Refused("this idempotency key belongs to another request")
            return existing, False
        at = now()
        app = Application(
            number=f"pending-{key}"[:40],
            owner=owner,
            idempotency_key=key,
            item_code=item_code,
            form_key=form_key,
            item_name=item_name,
            department=department,
            values=dict(values),
            status=Status.SUBMITTED.value,
            promised_days=promised_days,
            submitted_at=at,
            updated_at=at,
        )
        s.add(app)
        try:
            s.flush()
        except IntegrityError:  # the same key committed in parallel: return that one
            s.rollback()
            return submit(
                owner,
                key,
                item_code=item_code,
                form_key=form_key,
                item_name=item_name,
                department=department,
                area_code=area_code,
                values=values,
                promised_days=promised_days,
                session=s,
            )
        assert app.id is not None
        app.number = _number(area_code, at, app.id)
        s.add(app)
        timeline.record(s, app.id, Status.SUBMITTED, at=at)
        draft = s.exec(
            select(Draft).where(Draft.owner == owner, Draft.item_code == item_code)
        ).first()
        if draft is not None:
            s.delete(draft)
        s.commit()
        s.refresh(app)
        return app, True


def list_applications(owner: str, session: Session | None = None) -> list[Application]:
    with session_scope(session) as s:
        stmt = (
            select(Application)
            .where(Application.owner == owner)
            .order_by(col(Application.submitted_at).desc(), col(Application.id).desc())
        )
        return list(s.exec(stmt).all())


def everyones(session: Session | None = None) -> list[Application]:
    """Every citizen's applications, oldest first (the operator tool, ``python -m app.flow``)."""
    with session_scope(session) as s:
        return list(s.exec(select(Application).order_by(col(Application.id))).all())


def get_application(owner: str, number: str, session: Session | None = None) -> Application:
    with session_scope(session) as s:
        app = s.exec(select(Application).where(Application.number == number)).first()
        if app is None or app.owner != owner:
            raise NotFound(f"no application {number} of this user", foreign=app is not None)
        return app


def events(application_id: int, session: Session | None = None) -> list[ApplicationEvent]:
    with session_scope(session) as s:
        stmt = (
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
        )
        return list(s.exec(stmt).all())


def advance(
    number: str, status: str, note: str = "", session: Session | None = None, seq: int = 0
) -> bool:
    """Back-office move of an application to ``status`` (checked against ``MOVES``).

    With ``seq`` (a change from the back office adapter) the move is applied once: a change
    whose ``seq`` is not above the application's last applied one is skipped (``False``).
    """
    with session_scope(session) as s:
        app = s.exec(select(Application).where(Application.number == number)).first()
        if app is None:
            raise NotFound(f"no application {number}")
        if seq:
            claimed = s.exec(
                sa.update(Application)
                .where(col(Application.id) == app.id, col(Application.backoffice_seq) < seq)
                .values(backoffice_seq=seq)
            )
            if not rowcount(claimed):
                s.rollback()
                return False
            s.refresh(app)
        if status not in MOVES.get(app.status, ()):
            if seq:
                s.commit()  # a change that cannot apply here is consumed, not retried forever
            allowed = ", ".join(MOVES.get(app.status, ())) or "none"
            raise Refused(f"{number} is {app.status}; it can move to: {allowed}, not {status}")
        at = now()
        app.status, app.updated_at = status, at
        s.add(app)
        assert app.id is not None
        timeline.record(s, app.id, Status(status), note, at)
        s.commit()
        return True


def correction_round(application_id: int, session: Session | None = None) -> int:
    with session_scope(session) as s:
        stmt = select(sa.func.count()).where(
            ApplicationEvent.application_id == application_id, ApplicationEvent.note == CORRECTION
        )
        return int(s.exec(stmt).one())


def correct(
    owner: str, number: str, file_ids: list[str], session: Session | None = None
) -> Application:
    """补正: the citizen supplies corrected materials for a returned application, which goes
    back to the back office as submitted. Only the owner's own files are accepted."""
    ids = [i for i in dict.fromkeys(file_ids) if i]
    if not ids:
        raise Refused("at least one corrected material is required")
    with session_scope(session) as s:
        app = get_application(owner, number, s)
        if app.status != Status.RETURNED:
            raise Refused(f"{number} is {app.status}; only returned applications take corrections")
        for file_id in ids:
            row = s.get(StoredFile, file_id)
            if row is None or row.owner != owner:
                raise NotFound(f"no file {file_id} of this user")
        values = dict(app.values)
        values["corrections"] = [*values.get("corrections", []), *ids]
        app.values = values
        at = now()
        app.status, app.updated_at = Status.SUBMITTED.value, at
        if app.outbox != "submit":  # never sent at all: the submission carries the values
            app.outbox = "correction"
        s.add(app)
        assert app.id is not None
        timeline.record(s, app.id, Status.SUBMITTED, CORRECTION, at)
        s.commit()
        s.refresh(app)
        return app


def recent_events(
    owner: str, limit: int = 10, session: Session | None = None
) -> list[tuple[Application, ApplicationEvent]]:
    """站内消息: the latest status changes of the owner's applications, newest first."""
    with session_scope(session) as s:
        stmt = (
            select(Application, ApplicationEvent)
            .join(ApplicationEvent, col(ApplicationEvent.application_id) == col(Application.id))
            .where(Application.owner == owner)
            .order_by(col(ApplicationEvent.at).desc(), col(ApplicationEvent.id).desc())
            .limit(limit)
        )
        return [(a, e) for a, e in s.exec(stmt).all()]
