"""The one place a Reflex event becomes a :class:`~app.context.RequestContext`.

Every state calls :func:`context_of` once per event and hands the context to one journey
function (``app/journeys/``); nothing below the states reads ``router`` or resolves a host.
"""

from __future__ import annotations

import reflex as rx

from app import audit
from app.context import RequestContext, context_for
from app.security import session_cookie
from app.text import LOCALE_COOKIE


def context_of(state: rx.State) -> RequestContext:
    """This event's context: the province of the tab's host, its locale cookie and the session
    secret of its browser (the HttpOnly ``yw_sid`` cookie, found through the socket)."""
    router = state.router
    client, request_id = audit.request_context(router)
    return context_for(
        router.headers.host,
        session_cookie.cookie_value(router.headers.cookie, LOCALE_COOKIE) or None,
        session_cookie.secret_for(router.session.session_id),
        client=client,
        request_id=request_id,
    )
