"""The personal-data guard: a tab's token reconnecting without its session's cookie gets
its flow states reset before they are hydrated (see ``app/security/session_cookie.py``).

A Reflex seam (it wraps the event namespace's ``on_connect`` and reaches the flow's states),
so it sits in the layer of ``app.resilience``, above the states; the cookie rules it uses stay
below them in ``session_cookie``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from app.security.session_cookie import logger, parse_secret, state_key


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
    from reflex.state import BaseState

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
        pending: list[type[BaseState]] = [FlowAuthState]
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
