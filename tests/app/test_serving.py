"""Embedded mode's browser cache lifetimes (app/serving.py), over a real static-file app like
the one Reflex serves the build with."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app.serving import A_DAY, IMMUTABLE, REVALIDATE, cache_control, policy
from tests.asgi import ASGIClient


def site(tmp_path: Path) -> ASGIClient:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-Cx94dgZ8.js").write_text("console.log(1)")
    (tmp_path / "index.html").write_text("<!doctype html><main>首页</main>")
    (tmp_path / "search.html").write_text("<!doctype html><main>搜索</main>")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path / "manifest.json").write_text("{}")

    async def own_file(request):  # a route that decides for itself, like /flow/files/<id>
        return Response(b"x", headers={"Cache-Control": "private, no-store"})

    app = Starlette(
        routes=[
            Route("/flow/files/1", own_file),
            Mount("/", StaticFiles(directory=tmp_path, html=True)),
        ]
    )
    return ASGIClient(cache_control(app))


def test_hashed_assets_for_a_year_pages_revalidated(tmp_path: Path) -> None:
    client = site(tmp_path)
    asset = client.get("/assets/index-Cx94dgZ8.js")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert client.get("/").headers["cache-control"] == REVALIDATE == "no-cache"
    assert client.get("/search.html").headers["cache-control"] == "no-cache"
    assert client.get("/favicon.svg").headers["cache-control"] == A_DAY


def test_a_revalidated_asset_keeps_its_lifetime(tmp_path: Path) -> None:
    client = site(tmp_path)
    first = client.get("/assets/index-Cx94dgZ8.js")
    again = client.get(
        "/assets/index-Cx94dgZ8.js", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["cache-control"] == IMMUTABLE


def test_what_sets_its_own_or_is_neither_is_left_alone(tmp_path: Path) -> None:
    client = site(tmp_path)
    assert client.get("/flow/files/1").headers["cache-control"] == "private, no-store"
    assert "cache-control" not in client.get("/manifest.json").headers
    missing = client.get("/assets/gone-123.js")
    assert missing.status_code == 404 and "cache-control" not in missing.headers


def test_policy_reads_the_content_type_not_the_extension() -> None:
    assert policy("/me/applications/370102-1", "text/html; charset=utf-8") == "no-cache"
    assert policy("/_event", "application/json") is None
