"""The session secret: in an HttpOnly cookie the browser holds, never in Reflex state.

Reflex 0.10 copies a connection's request headers, ``Cookie`` included, into every state's
router data, which the state manager writes to disk (embedded) or Redis (scaled); an
``rx.Cookie`` var is state by definition. So:

- two HTTP routes (``app/flow/http.py``) set and clear the ``yw_sid`` cookie: HttpOnly,
  SameSite=Lax, Secure when the public URL is https. After a login the event handler hands the
  browser a single-use ticket (valid :data:`app.flow.store.HANDOFF_TTL`) which ``/flow/session``
  exchanges for the secret;
- :func:`install` (a private hook, checked against this Reflex version) takes the ``Cookie``
  header out of the connection's router data before any state sees it, and keeps the session
  secret in this process's memory per socket; handlers ask :func:`secret_for` with their socket
  id. The secret is forgotten when the socket disconnects;
- ``app/security/guard.py`` (:func:`~app.security.guard.install_personal_guard`): a tab's state remembers which session its personal data
  (name, masked phone and ID number, revealed ones) belongs to (:func:`state_key`, one-way);
  when a socket connects with that tab's token but without that session's cookie (the tab
  was closed and its token reused, or the citizen signed out elsewhere), every state of the
  flow (account, drafts, application numbers, answers) is reset before the state is sent to
  the page. One state access per new socket.
"""

from __future__ import annotations

import hashlib
import logging
from http.cookies import CookieError, SimpleCookie
from typing import Any

logger = logging.getLogger("yiwang.security")

SESSION_COOKIE = "yw_sid"
MAX_AGE_S = 12 * 3600

_SECRETS: dict[str, str] = {}


def cookie_value(cookie_header: str, name: str) -> str:
    """The value of cookie ``name`` in a ``Cookie`` header, or ``""``; a malformed cookie
    beside it does not hide it (each part is read on its own)."""
    if not cookie_header:
        return ""
    jar: SimpleCookie = SimpleCookie()
    for part in cookie_header.split(";"):
        try:
            jar.load(part.strip())
        except CookieError:
            continue
    morsel = jar.get(name)
    return morsel.value if morsel is not None else ""


def parse_secret(cookie_header: str) -> str:
    """The ``yw_sid`` value of a ``Cookie`` header, or ``""``."""
    value = cookie_value(cookie_header, SESSION_COOKIE)
    return value if len(value) <= 128 else ""


def remember(socket_id: str, secret: str) -> None:
    if secret:
        _SECRETS[socket_id] = secret
    else:
        _SECRETS.pop(socket_id, None)


def forget(socket_id: str) -> None:
    _SECRETS.pop(socket_id, None)


def secret_for(socket_id: str) -> str:
    """The session secret the browser of this socket sent when it connected, or ``""``."""
    return _SECRETS.get(socket_id, "")


def cookie_attributes(secure: bool) -> dict[str, Any]:
    return {
        "key": SESSION_COOKIE,
        "path": "/",
        "httponly": True,
        "samesite": "lax",
        "secure": secure,
    }


def install(namespace: Any) -> None:
    """Strip ``Cookie`` from the router data of every connection of ``namespace`` (Reflex's
    ``EventNamespace``) and remember the session secret per socket instead."""
    build = getattr(namespace, "_build_static_router_data", None)
    disconnect = getattr(namespace, "on_disconnect", None)
    if build is None or disconnect is None:
        raise RuntimeError(
            "app.security.session_cookie: Reflex's EventNamespace has no "
            "_build_static_router_data/on_disconnect (Reflex upgraded?): without this hook "
            "the session cookie would be written into every stored state"
        )
    if getattr(build, "_yiwang_hook", False):
        return

    def build_without_cookie(sid: str, environ: dict) -> dict[str, Any]:
        data = build(sid, environ)
        headers = data.get("headers", {})
        remember(sid, parse_secret(headers.pop("cookie", "")))
        return data

    def disconnect_and_forget(sid: str):
        forget(sid)
        return disconnect(sid)

    build_without_cookie._yiwang_hook = True  # type: ignore[attr-defined]
    namespace._build_static_router_data = build_without_cookie
    namespace.on_disconnect = disconnect_and_forget


def state_key(secret: str) -> str:
    """What a state may keep to recognise its session: not the secret, not the row's key."""
    if not secret:
        return ""
    return hashlib.sha256(b"yiwang-state:" + secret.encode()).hexdigest()[:32]
