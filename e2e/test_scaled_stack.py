"""What nginx and the backend add in scaled mode (YIWANG_E2E_MODE=scaled): caching of the
static build, websocket proxying, restricted CORS origins."""

from __future__ import annotations

import re

import httpx

from conftest import only_in
from e2e.server import e2e_mode

pytestmark = only_in("scaled mode (make test-scaled)", e2e_mode() != "scaled")


def test_hashed_assets_are_immutable_and_pages_revalidated(base_url: str) -> None:
    page = httpx.get(base_url + "/", timeout=10)
    assert page.headers["cache-control"] == "no-cache"
    asset = re.search(r'(/assets/[^"\s]+\.js)', page.text)
    assert asset, "no hashed script in the prerendered page"
    response = httpx.get(base_url + asset.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers.get("content-encoding") == "gzip"  # the build's .gz, as is


def test_prerendered_and_dynamic_routes_are_served(base_url: str) -> None:
    assert "<main" in httpx.get(base_url + "/search", timeout=10).text
    guide = httpx.get(base_url + "/item/no-such-code", timeout=10)
    assert guide.status_code == 200 and guide.headers["cache-control"] == "no-cache"


def _handshake(base_url: str, origin: str) -> httpx.Response:
    return httpx.get(
        base_url + "/_event/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
        timeout=10,
    )


def test_a_foreign_origin_is_refused(base_url: str) -> None:
    refused = _handshake(base_url, "https://evil.example")
    assert refused.status_code == 400
    assert "https://evil.example is not an accepted origin" in refused.text
    allowed = _handshake(base_url, base_url)
    assert "not an accepted origin" not in allowed.text
