"""The personal-data guard: a tab's token reconnecting without its session's cookie gets
its flow states reset before they are hydrated (see ``app/security/session_cookie.py``).

A Reflex seam (it wraps the event namespace's ``on_connect``). It never imports a state: the
app (``app/app.py``) tells it at start-up, through :func:`install`, which state holds a tab's
personal data (it and every state below it are reset), which of its vars a reset keeps, and
how to read which session a loaded state belongs to. So it sits below the states; the cookie
rules it uses stay in ``session_cookie``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import reflex as rx
from reflex.state import BaseState

from app.security.session_cookie import logger, parse_secret, state_key


def _connection_secret(environ: dict) -> str:
    headers = environ.get("asgi.scope", {}).get("headers", [])
    for name, value in headers:
        if name.lower() == b"cookie":
            return parse_secret(value.decode("latin-1"))
    return ""


@dataclass(frozen=True, slots=True)
class Personal:
    """What the guard resets: ``state`` and every state below it, keeping the vars named in
    ``keep``; ``owner(state)`` is the key of the session a loaded ``state`` belongs to
    (``session_cookie.state_key``), "" when it holds no personal data."""

    state: type[rx.State]
    keep: tuple[str, ...]
    owner: Callable[[Any], str]


_PERSONAL: list[Personal] = []


def install(reset_states: type[rx.State], keep: tuple[str, ...], owner: Callable[[Any], str]):
    """Tell the guard which state holds the personal data (called once by ``app/app.py``)."""
    _PERSONAL[:] = [Personal(reset_states, tuple(keep), owner)]


def personal() -> Personal:
    if not _PERSONAL:
        raise RuntimeError(
            "app.security.guard: no personal-data state installed (app/app.py calls "
            "guard.install before the namespace is wrapped)"
        )
    return _PERSONAL[0]


async def clear_unless_owner(app: Any, token: str, secret: str) -> bool:
    """Clear the tab's personal data unless this connection holds its session's cookie;
    ``True`` when something was cleared."""
    what = personal()
    async with app.modify_state(rx.BaseStateToken(ident=token, cls=what.state)) as root:
        holder = await root.get_state(what.state)
        key = what.owner(holder)
        if not key:
            return False
        if secret and key == state_key(secret):
            return False
        # the flow's states (account, drafts, applications, answers) back to their defaults
        logger.warning(
            "personal data of a tab cleared: its token reconnected without its session cookie"
        )
        kept = {name: getattr(holder, name) for name in what.keep}
        pending: list[type[BaseState]] = [what.state]
        while pending:
            cls = pending.pop()
            (await root.get_state(cls)).reset()
            pending.extend(cls.get_substates())
        for name, value in kept.items():
            setattr(holder, name, value)
        return True


def install_personal_guard(namespace: Any) -> None:
    """Wrap ``on_connect``: :func:`clear_unless_owner` before the tab's state is hydrated."""
    personal()  # installed first: a guard that cannot reset anything must not start
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
