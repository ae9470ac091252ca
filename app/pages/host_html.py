"""Each host's pages are its own before any script runs (several provinces in one build).

A multi-province build prerenders every province's content in the page, and CSS shows the one
named by ``<html data-province>``. The head script sets that attribute from the host name, but
a browser without JavaScript (or before the script runs) would see the build's default
province. This ASGI middleware rewrites the prerendered HTML the server sends, per request
``Host``: ``data-province``, the app name in ``<title>`` and the theme colour are the host's
province's. The favicon is a route of its own (``/_yw/favicon``), answered per host in every
mode. With one province the rewriting is not installed at all.

``scripts/scaled/`` builds one static site per province behind nginx, so there the files are
already the host's own; this is the embedded (single-port) server's counterpart.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from themes import Theme

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FAVICON_PATH = "/_yw/favicon"


def substitutions(default: Theme, theme: Theme) -> list[tuple[str, str]]:
    """What differs between the page ``default`` prerendered and the same page of ``theme``:
    (text, replacement) pairs, each applied once. nginx's ``sub_filter`` applies the same
    pairs in scaled mode (scripts/scaled/)."""
    if theme.code == default.code:
        return []
    old_name, new_name = default.settings.identity.app_name, theme.settings.identity.app_name
    old_colour, new_colour = default.value("--yw-header-bg"), theme.value("--yw-header-bg")
    pairs = [(f'data-province="{default.code}"', f'data-province="{theme.code}"')]
    if old_name != new_name:
        pairs.append((f" - {old_name}</title>", f" - {new_name}</title>"))
    if old_colour != new_colour:
        pairs.append(
            (
                f'name="theme-color" content="{old_colour}"',
                f'name="theme-color" content="{new_colour}"',
            )
        )
    return pairs


def rewrite(html: bytes, default: Theme, theme: Theme) -> bytes:
    """The page ``default`` prerendered, as the province ``theme`` shows it."""
    for old, new in substitutions(default, theme):
        html = html.replace(old.encode(), new.encode(), 1)
    return html


def favicon_route(theme_for_host: Callable[[str], Theme]) -> Route:
    """``GET /_yw/favicon``: the icon of the request's host's province (pages link to it)."""

    async def favicon(request: Request) -> Response:
        theme = theme_for_host(request.headers.get("host", ""))
        mime, _, data = theme.favicon.removeprefix("data:").partition(";base64,")
        return Response(
            base64.b64decode(data),
            media_type=mime,
            headers={"Cache-Control": "public, max-age=86400", "Vary": "Host"},
        )

    return Route(FAVICON_PATH, favicon, methods=["GET"])


def per_host_html(
    inner: ASGIApp, default: Theme, theme_for_host: Callable[[str], Theme]
) -> ASGIApp:
    """Wrap ``inner`` so that HTML answers are rewritten for the request's host."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await inner(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        theme = theme_for_host(headers.get(b"host", b"").decode("latin-1"))
        if theme.code == default.code:
            await inner(scope, receive, send)
            return
        # the static files are precompressed: ask for gzip at most (which is undone, rewritten
        # and redone below) or none
        gzip_ok = b"gzip" in headers.get(b"accept-encoding", b"")
        scope = dict(scope)
        scope["headers"] = [
            (k, v) for k, v in scope.get("headers") or [] if k.lower() != b"accept-encoding"
        ] + ([(b"accept-encoding", b"gzip")] if gzip_ok else [])
        # the server may let a file response send itself (granian: http.response.pathsend):
        # the body must come through here to be rewritten
        scope["extensions"] = {
            k: v
            for k, v in (scope.get("extensions") or {}).items()
            if k not in ("http.response.pathsend", "http.response.zerocopysend")
        }
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kinds = dict(message.get("headers") or [])
                is_html = kinds.get(b"content-type", b"").startswith(b"text/html")
                encoding = kinds.get(b"content-encoding", b"")
                if not is_html or encoding not in (b"", b"gzip"):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            if message["type"] == "http.response.pathsend":  # should not come: see above
                chunks.append(Path(message["path"]).read_bytes())
                message = {"type": "http.response.body", "body": b""}
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            zipped = dict(start.get("headers") or []).get(b"content-encoding") == b"gzip"
            body = rewrite(gzip.decompress(body) if zipped else body, default, theme)
            if zipped:
                body = gzip.compress(body, compresslevel=6, mtime=0)
            given = list(start.get("headers", []))
            vary = [v for k, v in given if k.lower() == b"vary"] + [b"Host"]
            out = [
                (k, v) for k, v in given if k.lower() not in (b"content-length", b"etag", b"vary")
            ]
            out += [(b"content-length", str(len(body)).encode()), (b"vary", b", ".join(vary))]
            await send({**start, "headers": out})
            await send({"type": "http.response.body", "body": body})

        await inner(scope, receive, capture)

    return app
