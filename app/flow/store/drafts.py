"""Drafts: one per owner and item, kept for ``DRAFT_RETENTION`` after their last change."""

from __future__ import annotations

from collections.abc import Collection
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
    keep_files: Collection[str] = (),
) -> Draft:
    """Create or update the owner's draft for this item (one per owner and item).

    ``keep_files``: file fields whose stored answer wins over the one given. The upload route
    writes a material into the draft (:func:`set_answer`) while a page's handler may be saving
    the answers it read before: the row is read again, locked, in the transaction that writes
    it, so an upload that landed meanwhile is kept (a handler never clears a stored file)."""
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
        if draft is None or keep_files:
            stmt = select(Draft).where(Draft.owner == owner, Draft.item_code == item_code)
            if keep_files:  # as it is now, and held until this write commits
                stmt = stmt.with_for_update().execution_options(populate_existing=True)
            draft = s.exec(stmt).first()
        if draft is not None and keep_files:
            stored = draft.values
            values = {**values, **{n: stored[n] for n in keep_files if stored.get(n)}}
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
            return save_draft(owner, item_code, form_key, item_name, values, step, s, keep_files)
        if s.expire_on_commit:
            s.refresh(draft)  # readable once this session is closed (one_session keeps it)
        return draft


def set_answer(
    owner: str, item_code: str, name: str, value: str, session: Session | None = None
) -> tuple[bool, str | None]:
    """Set one answer of the owner's draft (the upload route's material), the rest as it is
    now: read locked and written in one transaction. ``(found, the value it replaced)``;
    ``(False, None)`` when there is no draft (any more)."""
    with session_scope(session) as s:
        stmt = (
            select(Draft)
            .where(Draft.owner == owner, Draft.item_code == item_code)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        draft = s.exec(stmt).first()
        if draft is None:
            return False, None
        replaced = draft.values.get(name)
        draft.values = {**draft.values, name: value}
        draft.updated_at = now()
        s.add(draft)
        s.commit()
        return True, replaced if isinstance(replaced, str) else None


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
        result = s.exec(sa.delete(Draft).where(col(Draft.updated_at) < now() - older_than))
        s.commit()
        return rowcount(result)
