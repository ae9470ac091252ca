"""The one place a Reflex event becomes a :class:`~app.context.RequestContext`.

Every state calls :func:`context_of` once per event and hands the context to one journey
function (``app/journeys/``); nothing below the states reads ``router`` or resolves a host.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

import reflex as rx

from app import audit
from app.context import RequestContext, context_for
from app.security import session_cookie
from app.text import LOCALE_COOKIE


def _locale_cookie(cookie_header: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except Exception:  # a malformed Cookie header is the default locale, never an error
        return None
    morsel = jar.get(LOCALE_COOKIE)
    return morsel.value if morsel is not None else None


def context_of(state: rx.State) -> RequestContext:
    """This event's context: the province of the tab's host, its locale cookie and the session
    secret of its browser (the HttpOnly ``yw_sid`` cookie, found through the socket)."""
    router = state.router
    client, request_id = audit.request_context(router)
    return context_for(
        router.headers.host,
        _locale_cookie(router.headers.cookie),
        session_cookie.secret_for(router.session.session_id),
        client=client,
        request_id=request_id,
    )
