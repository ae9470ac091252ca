"""Security headers on every response of the backend (embedded mode serves the pages too).

- ``Content-Security-Policy``: scripts only from this origin, plus the inline scripts of this
  build's own pages by their SHA-256 (:func:`inline_script_hashes`; Reflex's prerendered pages
  carry a few) and ``'unsafe-eval'`` (Reflex runs ``rx.call_script`` through ``eval``, which no
  hash can name); ``frame-ancestors 'self'`` or the host containers of
  ``YIWANG_FRAME_ANCESTORS``; ``object-src 'none'``, ``base-uri 'self'``;
- ``X-Frame-Options`` (``SAMEORIGIN`` unless host containers are configured),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``Permissions-Policy`` (no camera, microphone, geolocation, payment or USB access);
- a response that set its own CSP (a citizen's file: ``default-src 'none'; sandbox``) keeps it.

CORS is Reflex's own middleware with ``cors_allowed_origins`` set from
:func:`app.security.public_url.allowed_origins` in ``rxconfig.py``: a foreign origin gets no
``Access-Control-Allow-Origin`` and its websocket is refused.

The nginx config (``deploy/nginx``) sends the same headers; ``scripts/scaled/`` writes the
hash list of the static build with :func:`csp_for_build`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
REFERRER_POLICY = "same-origin"


def frame_ancestors(env: dict[str, str] | None = None) -> list[str]:
    """``'self'`` and the host containers' origins (``YIWANG_FRAME_ANCESTORS``, space- or
    comma-separated), which may frame the pages."""
    env = dict(os.environ) if env is None else env
    extra = [o for o in re.split(r"[\s,]+", env.get("YIWANG_FRAME_ANCESTORS", "")) if o]
    for origin in extra:
        if not re.fullmatch(r"https?://[a-z0-9.-]+(:\d+)?", origin, re.I):
            raise ValueError(
                f"YIWANG_FRAME_ANCESTORS: {origin!r} is not an origin like https://app.example.cn"
            )
    return ["'self'", *extra]


def inline_script_hashes(html_files: Iterable[Path]) -> list[str]:
    """The CSP source expressions of every inline script in these pages."""
    hashes: set[str] = set()
    for path in html_files:
        for body in _INLINE_SCRIPT.findall(path.read_bytes()):
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


def policy(script_hashes: Iterable[str], ancestors: Iterable[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-eval' " + " ".join(script_hashes),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors " + " ".join(ancestors),
        ]
    ).replace("  ", " ")


def csp_for_build(build_dir: Path, env: dict[str, str] | None = None) -> str:
    """The policy for a static build folder (all its pages' inline scripts)."""
    return policy(inline_script_hashes(sorted(build_dir.rglob("*.html"))), frame_ancestors(env))


def header_pairs(csp: str, ancestors: list[str]) -> list[tuple[bytes, bytes]]:
    pairs = [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", REFERRER_POLICY.encode()),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    ]
    if ancestors == ["'self'"]:
        pairs.append((b"x-frame-options", b"SAMEORIGIN"))
    return pairs


def _build_dir() -> Path | None:
    try:
        from reflex.utils import prerequisites

        folder = prerequisites.get_web_dir() / "build" / "client"
    except Exception:  # no Reflex project here: no pages, no hashes
        return None
    return folder if folder.is_dir() else None


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: Any, build_dir: Path | None = None) -> None:
        self.app = app
        self.ancestors = frame_ancestors()
        self._build_dir = build_dir
        self._cached: tuple[float, list[tuple[bytes, bytes]]] | None = None

    def _headers(self) -> list[tuple[bytes, bytes]]:
        folder = self._build_dir or _build_dir()
        stamp = folder.stat().st_mtime if folder is not None else 0.0
        if self._cached is None or self._cached[0] != stamp:
            hashes = inline_script_hashes(sorted(folder.rglob("*.html"))) if folder else []
            self._cached = (stamp, header_pairs(policy(hashes, self.ancestors), self.ancestors))
        return self._cached[1]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers()

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(app: Any) -> Any:
    """The ``api_transformer`` form (``rx.App(api_transformer=[..., security_headers])``)."""
    return SecurityHeaders(app)
