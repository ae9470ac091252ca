"""Drafts: one per owner and item, kept for ``DRAFT_RETENTION`` after their last change."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db import session_scope
from app.domain.rules import DRAFT_RETENTION
from app.flow.store.base import NotFound, aware, now, rowcount
from app.flow.tables import Draft


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
        return rowcount(result)
