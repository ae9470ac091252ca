"""The per-host HTML rewrite (app/pages/host_html.py) over a real ASGI static-file server."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import httpx
import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.routing import Mount

from app.pages.host_html import per_host_html
from themes import THEMES_DIR, load_theme

SD, SC = load_theme(THEMES_DIR / "shandong"), load_theme(THEMES_DIR / "sichuan")
PAGE = (
    '<html lang="zh-Hans" data-province="shandong"><head><title>首页 - 爱山东</title>'
    f'<meta name="theme-color" content="{SD.value("--yw-header-bg")}"/></head>'
    '<body><div data-only="shandong">爱山东</div></body></html>'
)


@pytest.fixture
def site(tmp_path: Path) -> Starlette:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "index.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "app.js").write_text("var x = 'data-province=\"shandong\"';", encoding="utf-8")
    static = PrecompressedStaticFiles(directory=tmp_path, html=True, encodings=["gzip"])
    inner = Starlette(routes=[Mount("/", app=static)])
    by_host = {"sc.localhost": SC}
    return per_host_html(inner, SD, lambda host: by_host.get(host.split(":")[0], SD))


@pytest.mark.parametrize("encoding", ["gzip, br", "identity"])
def test_another_hosts_page_names_its_province_compressed_or_not(
    site: Starlette, encoding: str
) -> None:
    asyncio.run(_another_host(site, encoding))


async def _another_host(site: Starlette, encoding: str) -> None:
    transport = httpx.ASGITransport(app=site)
    async with httpx.AsyncClient(transport=transport, base_url="http://sc.localhost") as client:
        answer = await client.get("/", headers={"Accept-Encoding": encoding})
        html = answer.text
        assert 'data-province="sichuan"' in html and "<title>首页 - 天府通办</title>" in html
        assert f'content="{SC.value("--yw-header-bg")}"' in html
        assert "Host" in answer.headers["vary"].split(", ")
        assert ("gzip" in encoding) == (answer.headers.get("content-encoding") == "gzip")
        js = (await client.get("/app.js")).text  # only HTML is rewritten
        assert 'data-province=\\"shandong\\"' in js or 'data-province="shandong"' in js


def test_a_server_that_sends_files_itself_still_gets_the_rewritten_page(site) -> None:
    """granian offers http.response.pathsend: a file response would bypass the rewrite."""
    sent: list[dict] = []

    async def run() -> None:
        scope = {
            "type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"",
            "headers": [(b"host", b"sc.localhost")], "root_path": "", "scheme": "http",
            "server": ("127.0.0.1", 80), "extensions": {"http.response.pathsend": {}},
        }  # fmt: skip

        requests = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict:
            if requests:
                return requests.pop()
            await asyncio.Event().wait()  # the client never goes away
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        await site(scope, receive, send)

    asyncio.run(run())
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert b'data-province="sichuan"' in body
    assert not [m for m in sent if m["type"] == "http.response.pathsend"]


def test_the_default_hosts_page_is_served_untouched(site: Starlette) -> None:
    async def fetch() -> str:
        transport = httpx.ASGITransport(app=site)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return (await c.get("/", headers={"Accept-Encoding": "identity"})).text

    assert asyncio.run(fetch()) == PAGE
