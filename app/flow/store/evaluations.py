"""好差评: the citizen's one evaluation of a finished application."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db import session_scope
from app.domain.rules import LEVELS, is_final, needs_reason
from app.flow.store.applications import get_application
from app.flow.store.base import Refused, now
from app.flow.tables import Evaluation


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
