"""A synchronous client for an ASGI app over httpx's ASGI transport (real requests, no
socket). Starlette's TestClient is not used: on httpx it warns that it wants httpx2, and
warnings are errors here."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


class ASGIClient:
    """``get``/``post`` as httpx has them; cookies persist between calls like a browser's."""

    def __init__(self, app: Any, base_url: str = "http://testserver") -> None:
        self.app = app
        self.base_url = base_url
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url=self.base_url, cookies=self.cookies
            ) as client:
                response = await client.request(method, url, **kwargs)
                await response.aread()
                self.cookies = client.cookies
                return response

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)
