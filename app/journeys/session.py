"""Who is asking: the signed-in citizen of a request, read from its session secret.

Every journey that acts for a citizen calls :func:`citizen` first and authorizes against what it
returns; the session lives in the database (``app.flow.store.sessions``), the browser keeps only
the secret (the HttpOnly ``yw_sid`` cookie) that the request context carries.
"""

from __future__ import annotations

from app import audit
from app.context import RequestContext
from app.domain.identity import Identity
from app.flow.store import sessions


def current(ctx: RequestContext) -> sessions.Active | None:
    """The live session of this request (marked active; ``None`` when signed out or ended)."""
    return sessions.touch_session(ctx.session_secret)


def citizen(ctx: RequestContext) -> Identity | None:
    """The signed-in citizen of this request, or ``None``."""
    active = current(ctx)
    return active.identity if active is not None else None


def record(
    ctx: RequestContext,
    event: audit.Event,
    outcome: audit.Outcome,
    sub: str = "",
    reason: str = "",
    detail: str = "",
) -> None:
    """One audit line for this request (its client address and request id from the context)."""
    audit.record(
        event,
        outcome,
        sub=sub,
        client=ctx.client,
        request_id=ctx.request_id,
        reason=reason,
        detail=detail,
    )
