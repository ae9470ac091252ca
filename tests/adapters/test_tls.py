"""The adapters share one TLS context per process: httpx would build one per client (loading
the CA bundle, 10-20 ms of CPU), and the adapters open a client per call."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from app.adapters import tls
from app.adapters.backoffice import BackOfficeClient
from app.adapters.elicence import ELicenceClient
from app.adapters.identity import OIDCSettings
from app.adapters.identity.oidc import OIDCProvider
from sandboxes.backoffice import make_app as backoffice_app
from sandboxes.elicence import make_app as elicence_app
from sandboxes.idp import SandboxIdP
from tests.sandbox_server import free_port, serve


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the TLS contexts built from here on (the shared one is built afresh too)."""
    calls: list[int] = []
    real = ssl.create_default_context

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    tls.tls_context.cache_clear()
    yield calls
    tls.tls_context.cache_clear()


def test_back_office_and_e_licence_calls_share_one_context(built: list[int]) -> None:
    with serve(backoffice_app(token="t")) as office, serve(elicence_app()) as licences:
        back = BackOfficeClient(office, "t")
        lic = ELicenceClient(licences)

        async def calls() -> None:
            for _ in range(3):
                await back.changes(0, 10)
                await lic.licences("11010519491231002X")

        asyncio.run(calls())
    assert len(built) == 1  # six calls over real loopback HTTP, one context


def test_oidc_discovery_and_login_share_it(built: list[int]) -> None:
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    with serve(SandboxIdP(issuer=issuer).app(), port):
        idp = OIDCProvider(OIDCSettings(issuer=issuer, client_id="yiwang"))

        async def begin_twice() -> None:
            for _ in range(2):
                await idp.begin("http://127.0.0.1:3000/auth/callback")
                idp._discovery = None  # rediscover: a new plain httpx client each time

        asyncio.run(begin_twice())
    assert len(built) == 1


def test_the_context_verifies_certificates() -> None:
    ctx = tls.tls_context()
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
