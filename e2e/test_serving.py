"""What every page is served with, in embedded mode (app/serving.py) and scaled mode (nginx)
alike: hashed assets cached for a year, pages revalidated, a meta description per page."""

from __future__ import annotations

import html
import re

import httpx

from app.routes import routes


def test_hashed_assets_are_immutable_and_pages_revalidated(base_url: str) -> None:
    page = httpx.get(base_url + "/", timeout=10)
    assert page.headers["cache-control"] == "no-cache"
    asset = re.search(r'(/assets/[^"\s]+\.js)', page.text)
    assert asset, "no hashed script in the prerendered page"
    response = httpx.get(base_url + asset.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers.get("content-encoding") == "gzip"  # the build's .gz, as is
    again = httpx.get(
        base_url + asset.group(1), headers={"If-None-Match": response.headers["etag"]}, timeout=10
    )
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_every_prerendered_page_has_its_own_description(base_url: str) -> None:
    seen = {}
    for route in routes():
        if "[" in route.path:
            continue  # dynamic routes get the SPA shell, described once it hydrates
        text = httpx.get(base_url + route.path, timeout=10, follow_redirects=True).text
        metas = [m for m in re.findall(r"<meta\b[^>]*>", text) if 'name="description"' in m]
        assert len(metas) == 1, f"{route.path}: {len(metas)} meta descriptions"
        found = re.search(r'content="([^"]*)"', metas[0])
        assert found, f"{route.path}: an empty meta description"
        description = html.unescape(found.group(1))
        assert description.startswith(route.title) and "爱山东" in description
        assert "山东省" in description, f"{route.path}: {description!r} does not name the province"
        seen[route.path] = description
    assert len(set(seen.values())) == len(seen)
