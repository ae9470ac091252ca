"""Headers and origins (issue 19, case 4), against the backend's own ASGI stack: Reflex's
CORS middleware with this deployment's origins, and the security headers middleware."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from app.security import headers, public_url

INLINE = b"window.__ctx={a:1};"
PAGE = b"<html><head><script>" + INLINE + b'</script><script src="/a.js"></script></head></html>'


def _app(build: Path, env: dict[str, str]) -> httpx.AsyncClient:
    async def page(request):
        return HTMLResponse(PAGE)

    async def files(request):
        return JSONResponse({"files": ["x"]})

    inner = Starlette(routes=[Route("/me", page), Route("/flow/files", files)])
    # as Reflex does: CORSMiddleware(allow_credentials=True, origins=cors_allowed_origins)
    asgi = CORSMiddleware(
        headers.SecurityHeaders(inner, build_dir=build),
        allow_origins=public_url.allowed_origins(env),
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://t")


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "me.html").write_bytes(PAGE)
    return tmp_path


ENV = {"YIWANG_PUBLIC_URL": "http://127.0.0.1:3000"}


@pytest.mark.parametrize("origin", ["http://127.0.0.1:9999", "https://evil.example", "null"])
def test_a_foreign_origin_cannot_read_with_credentials(build: Path, origin: str) -> None:
    import asyncio

    async def go() -> httpx.Response:
        async with _app(build, ENV) as client:
            return await client.get("/flow/files", headers={"Origin": origin})

    answer = asyncio.run(go())
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-credentials" not in answer.headers or (
        answer.headers.get("access-control-allow-origin") is None
    )


def test_the_own_origin_may(build: Path) -> None:
    import asyncio

    async def go() -> httpx.Response:
        async with _app(build, ENV) as client:
            return await client.get("/flow/files", headers={"Origin": "http://127.0.0.1:3000"})

    answer = asyncio.run(go())
    assert answer.headers["access-control-allow-origin"] == "http://127.0.0.1:3000"


def test_every_response_carries_the_security_headers(build: Path) -> None:
    import asyncio

    async def go() -> list[httpx.Response]:
        async with _app(build, ENV) as client:
            return [await client.get("/me"), await client.get("/flow/files")]

    digest = base64.b64encode(hashlib.sha256(INLINE).digest()).decode()
    for answer in asyncio.run(go()):
        csp = answer.headers["content-security-policy"]
        assert f"'sha256-{digest}'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
        assert answer.headers["x-frame-options"] == "SAMEORIGIN"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert "camera=()" in answer.headers["permissions-policy"]


def test_a_host_container_may_frame_when_configured() -> None:
    ancestors = headers.frame_ancestors({"YIWANG_FRAME_ANCESTORS": "https://zlb.example.cn"})
    csp = headers.policy([], ancestors)
    assert "frame-ancestors 'self' https://zlb.example.cn" in csp
    pairs = dict(headers.header_pairs(csp, ancestors))
    assert b"x-frame-options" not in pairs  # it would forbid the container
    with pytest.raises(ValueError, match="YIWANG_FRAME_ANCESTORS"):
        headers.frame_ancestors({"YIWANG_FRAME_ANCESTORS": "*"})


def test_a_file_keeps_its_own_stricter_policy(build: Path) -> None:
    import asyncio

    async def own(request):
        return JSONResponse({}, headers={"Content-Security-Policy": "default-src 'none'; sandbox"})

    asgi = headers.SecurityHeaders(Starlette(routes=[Route("/f", own)]), build_dir=build)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/f")

    answer = asyncio.run(go())
    assert answer.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_rxconfig_never_allows_every_origin() -> None:
    import importlib

    import rxconfig

    importlib.reload(rxconfig)
    assert "*" not in rxconfig.config.cors_allowed_origins
