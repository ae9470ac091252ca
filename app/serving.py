"""How long a browser may keep what the app serves, in embedded mode as deploy/nginx does it in
scaled mode: hashed build assets (``/assets/…``, the name changes with the content) for a year,
immutable; icons and fonts for a day; every HTML document revalidated on each visit, so a new
release is seen at once. Responses that set their own Cache-Control (a citizen's file, the
event and upload endpoints) keep it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

IMMUTABLE = "public, max-age=31536000, immutable"
A_DAY = "public, max-age=86400"
REVALIDATE = "no-cache"
_DAY_SUFFIXES = (".ico", ".svg", ".png", ".webp", ".woff", ".woff2")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def policy(path: str, content_type: str) -> str | None:
    """The Cache-Control for a successful response to ``path``; ``None``: leave it alone."""
    if path.startswith("/assets/"):
        return IMMUTABLE
    if path.endswith(_DAY_SUFFIXES):
        return A_DAY
    if content_type.split(";")[0].strip().lower() == "text/html":
        return REVALIDATE
    return None


def cache_control(app: ASGIApp) -> ASGIApp:
    """ASGI middleware adding :func:`policy`'s header to GET and HEAD answers (2xx, 304)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in {"GET", "HEAD"}:
            await app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start" and (
                200 <= message["status"] < 300 or message["status"] == 304
            ):
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"cache-control" not in names:
                    kind = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                    value = policy(path, kind.decode("latin-1"))
                    if value is not None:
                        headers.append((b"cache-control", value.encode("latin-1")))
                        message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_policy)

    return wrapped
