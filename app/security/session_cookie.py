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
- :func:`install_personal_guard`: a tab's state remembers which session its personal data
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
from urllib.parse import parse_qs

logger = logging.getLogger("yiwang.security")

SESSION_COOKIE = "yw_sid"
MAX_AGE_S = 12 * 3600

_SECRETS: dict[str, str] = {}


def parse_secret(cookie_header: str) -> str:
    """The ``yw_sid`` value of a ``Cookie`` header, or ``""``."""
    if not cookie_header:
        return ""
    jar: SimpleCookie = SimpleCookie()
    for part in cookie_header.split(";"):
        try:
            jar.load(part.strip())
        except CookieError:
            continue
    morsel = jar.get(SESSION_COOKIE)
    value = morsel.value if morsel is not None else ""
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


def _connection_secret(environ: dict) -> str:
    headers = environ.get("asgi.scope", {}).get("headers", [])
    for name, value in headers:
        if name.lower() == b"cookie":
            return parse_secret(value.decode("latin-1"))
    return ""


async def clear_unless_owner(app: Any, token: str, secret: str) -> bool:
    """Clear the tab's personal data unless this connection holds its session's cookie;
    ``True`` when something was cleared."""
    import reflex as rx

    from app.state.flow_auth import FlowAuthState

    async with app.modify_state(rx.BaseStateToken(ident=token, cls=FlowAuthState)) as root:
        auth = await root.get_state(FlowAuthState)
        if not auth.signed_in and not auth._session_key:
            return False
        if secret and auth._session_key == state_key(secret):
            return False
        # the flow's states (account, drafts, applications, answers) back to their defaults
        logger.warning(
            "personal data of a tab cleared: its token reconnected without its session cookie"
        )
        kept = {name: getattr(auth, name) for name in FlowAuthState._keep_on_reset}
        pending = [FlowAuthState]
        while pending:
            cls = pending.pop()
            (await root.get_state(cls)).reset()
            pending.extend(cls.get_substates())
        for name, value in kept.items():
            setattr(auth, name, value)
        return True


def install_personal_guard(namespace: Any) -> None:
    """Wrap ``on_connect``: :func:`clear_unless_owner` before the tab's state is hydrated."""
    on_connect = namespace.on_connect
    if getattr(on_connect, "_yiwang_guard", False):
        return

    async def guarded_connect(sid: str, environ: dict, auth: Any = None) -> Any:
        token = (parse_qs(environ.get("QUERY_STRING", "")).get("token") or [""])[0]
        if token and len(token) <= 64:
            try:
                await clear_unless_owner(namespace.app, token, _connection_secret(environ))
            except Exception as exc:  # never keep a citizen from connecting
                logger.warning(f"personal-data guard skipped: {type(exc).__name__}"[:200])
        return await on_connect(sid, environ, auth)

    guarded_connect._yiwang_guard = True  # type: ignore[attr-defined]
    namespace.on_connect = guarded_connect
