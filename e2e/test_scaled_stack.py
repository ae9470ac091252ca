"""What nginx and the backend add in scaled mode (YIWANG_E2E_MODE=scaled): websocket
proxying, restricted CORS origins (caching of the static build: e2e/test_serving.py)."""

from __future__ import annotations

import httpx

from e2e.server import e2e_mode
from e2e.skips import only_in

pytestmark = only_in("scaled mode (make test-scaled)", e2e_mode() != "scaled")


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
