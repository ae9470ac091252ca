"""Persistence of the flow: sessions, drafts, submission (idempotent), progress, evaluation.

Every function that reads or changes a citizen's data takes ``owner`` and filters on it, so a
guessed id from another citizen finds nothing (:class:`NotFound`), the same answer as an id
that does not exist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.identity import Identity
from app.db import session_scope
from app.domain.rules import (  # noqa: F401 (re-exported: one definition, in app.domain.rules)
    ABSOLUTE_LIFETIME,
    DRAFT_RETENTION,
    IDLE_TIMEOUT,
    IDLE_WARNING,
    LEVELS,
    LOW_LEVELS,
    MOVES,
    STATUSES,
    is_final,
    needs_reason,
    valid_idempotency_key,
)
from app.flow.tables import Application, ApplicationEvent, Draft, Evaluation, FlowSession

#: how stale the recorded activity of a session may be before a touch writes it again
TOUCH_EVERY = timedelta(minutes=1)


class NotFound(LookupError):
    """No such record for this owner. ``foreign``: the record exists but is another
    citizen's (the caller writes that attempt to the audit log; the citizen sees the same
    "not found" either way)."""

    def __init__(self, message: str, foreign: bool = False) -> None:
        super().__init__(message)
        self.foreign = foreign


class Refused(ValueError):
    """The request is understood but not allowed; the message says why."""


def _rowcount(result: sa.Result[Any]) -> int:
    """Rows an UPDATE or DELETE touched (its result is a cursor result)."""
    return int(cast("sa.CursorResult[Any]", result).rowcount or 0)


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# -- sessions -------------------------------------------------------------------------------
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
        if row is None or row.ended_at is not None:
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


# -- drafts ---------------------------------------------------------------------------------
def get_draft(owner: str, item_code: str, session: Session | None = None) -> Draft | None:
    with session_scope(session) as s:
        stmt = select(Draft).where(Draft.owner == owner, Draft.item_code == item_code)
        # the upload route writes file answers into the draft: always the row as it is now
        draft = s.exec(stmt.execution_options(populate_existing=True)).first()
        if draft is not None and now() - aware(draft.updated_at) > DRAFT_RETENTION:
            s.delete(draft)
            s.commit()
            return None
        return draft


def save_draft(
    owner: str,
    item_code: str,
    form_key: str,
    item_name: str,
    values: dict[str, str],
    step: int,
    session: Session | None = None,
) -> Draft:
    """Create or update the owner's draft for this item (one per owner and item)."""
    at = now()
    with session_scope(session) as s:
        # the handler's one session has usually just read this draft (get_draft): reuse it
        draft = next(
            (
                o
                for o in s.identity_map.values()
                if isinstance(o, Draft) and o.owner == owner and o.item_code == item_code
            ),
            None,
        )
        if draft is None:
            stmt = select(Draft).where(Draft.owner == owner, Draft.item_code == item_code)
            draft = s.exec(stmt).first()
        if draft is None:
            draft = Draft(
                owner=owner,
                item_code=item_code,
                form_key=form_key,
                item_name=item_name,
                values={},
                created_at=at,
                updated_at=at,
            )
        draft.values = dict(values)
        draft.step = step
        draft.updated_at = at
        s.add(draft)
        try:
            s.commit()
        except IntegrityError:  # a parallel first save won: update that one
            s.rollback()  # our new row is gone from the session with it
            return save_draft(owner, item_code, form_key, item_name, values, step, s)
        if s.expire_on_commit:
            s.refresh(draft)  # readable once this session is closed (one_session keeps it)
        return draft


def list_drafts(owner: str, session: Session | None = None) -> list[Draft]:
    cutoff = now() - DRAFT_RETENTION
    with session_scope(session) as s:
        stmt = (
            select(Draft)
            .where(Draft.owner == owner, col(Draft.updated_at) >= cutoff)
            .order_by(col(Draft.updated_at).desc())
        )
        return list(s.exec(stmt).all())


def delete_draft(owner: str, draft_id: int, session: Session | None = None) -> None:
    with session_scope(session) as s:
        draft = s.get(Draft, draft_id)
        if draft is None or draft.owner != owner:
            raise NotFound(f"no draft {draft_id} of this user", foreign=draft is not None)
        s.delete(draft)
        s.commit()


def purge_drafts(older_than: timedelta = DRAFT_RETENTION, session: Session | None = None) -> int:
    """Delete drafts untouched for longer than the retention period; return how many."""
    with session_scope(session) as s:
        result = s.execute(sa.delete(Draft).where(col(Draft.updated_at) < now() - older_than))
        s.commit()
        return _rowcount(result)


# -- applications ---------------------------------------------------------------------------
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
            status="submitted",
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
        s.add(ApplicationEvent(application_id=app.id, status="submitted", at=at))
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
            claimed = s.execute(
                sa.update(Application)
                .where(col(Application.id) == app.id, col(Application.backoffice_seq) < seq)
                .values(backoffice_seq=seq)
            )
            if not _rowcount(claimed):
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
        s.add(ApplicationEvent(application_id=app.id, status=status, note=note[:500], at=at))
        s.commit()
        return True


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
        s.execute(
            sa.update(Application)
            .where(col(Application.number) == number, col(Application.outbox) == outbox)
            .values(outbox="")
        )
        s.commit()


def backoffice_cursor(session: Session | None = None) -> int:
    """The last back-office change applied to any application (the next ``since``)."""
    with session_scope(session) as s:
        return int(s.exec(select(sa.func.max(Application.backoffice_seq))).one() or 0)


def correction_round(application_id: int, session: Session | None = None) -> int:
    with session_scope(session) as s:
        stmt = select(sa.func.count()).where(
            ApplicationEvent.application_id == application_id, ApplicationEvent.note == "correction"
        )
        return int(s.exec(stmt).one())


def correct(
    owner: str, number: str, file_ids: list[str], session: Session | None = None
) -> Application:
    """补正: the citizen supplies corrected materials for a returned application, which goes
    back to the back office as submitted. Only the owner's own files are accepted."""
    from app.flow.tables import StoredFile

    ids = [i for i in dict.fromkeys(file_ids) if i]
    if not ids:
        raise Refused("at least one corrected material is required")
    with session_scope(session) as s:
        app = get_application(owner, number, s)
        if app.status != "returned":
            raise Refused(f"{number} is {app.status}; only returned applications take corrections")
        for file_id in ids:
            row = s.get(StoredFile, file_id)
            if row is None or row.owner != owner:
                raise NotFound(f"no file {file_id} of this user")
        values = dict(app.values)
        values["corrections"] = [*values.get("corrections", []), *ids]
        app.values = values
        at = now()
        app.status, app.updated_at = "submitted", at
        if app.outbox != "submit":  # never sent at all: the submission carries the values
            app.outbox = "correction"
        s.add(app)
        assert app.id is not None
        s.add(ApplicationEvent(application_id=app.id, status="submitted", note="correction", at=at))
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


def get_evaluation(application_id: int, session: Session | None = None) -> Evaluation | None:
    with session_scope(session) as s:
        stmt = select(Evaluation).where(Evaluation.application_id == application_id)
        return s.exec(stmt).first()


def evaluate(
    owner: str, number: str, level: int, reason: str = "", session: Session | None = None
) -> Evaluation:
    """好差评: once per completed application; a reason is required for the two lowest levels,
    which are marked for follow-up (回访整改)."""
    reason = reason.strip()
    if level not in LEVELS:
        raise Refused(f"level must be one of {LEVELS}, got {level!r}")
    if needs_reason(level) and not reason:
        raise Refused("a reason is required for 不满意 and 非常不满意")
    with session_scope(session) as s:
        app = get_application(owner, number, s)
        if not is_final(app.status):
            raise Refused(f"{number} is {app.status}; it can be evaluated once it is finished")
        assert app.id is not None
        if get_evaluation(app.id, s) is not None:
            raise Refused(f"{number} has already been evaluated")
        evaluation = Evaluation(
            application_id=app.id,
            owner=owner,
            level=level,
            reason=reason[:500],
            follow_up="pending" if needs_reason(level) else "",
            created_at=now(),
        )
        s.add(evaluation)
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            raise Refused(f"{number} has already been evaluated") from None
        s.refresh(evaluation)
        return evaluation
