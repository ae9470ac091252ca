"""Attacks on the login callback and on redirects (issue 19, cases 1 and 6)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.adapters.identity import OIDCSettings
from app.adapters.identity.oidc import OIDCProvider
from app.journeys import account
from app.security import production, public_url
from app.security.redirects import safe_return_path
from sandboxes.idp import SandboxIdP

ISSUER = "http://127.0.0.1:8765"
GENUINE = "http://127.0.0.1:3000"
ATTACKER = "http://127.0.0.1:9999"  # another port of the same host: the attacker's listener


def _context(headers: dict[str, str]):
    """A request's context: built from its Host header; its Origin is never read."""
    from app.context import context_for

    return context_for(headers["host"])


def test_a_forged_origin_does_not_choose_the_callback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIWANG_PUBLIC_URL", GENUINE)
    ctx = _context({"origin": ATTACKER, "host": "127.0.0.1:9999"})
    assert account.callback_url(ctx) == f"{GENUINE}/auth/callback"


def test_without_configuration_the_callback_is_still_not_the_request_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("YIWANG_PUBLIC_URL", raising=False)
    monkeypatch.delenv("YIWANG_HOSTS", raising=False)
    monkeypatch.setenv("PORT", "3000")
    ctx = _context({"origin": ATTACKER, "host": "evil.example:9999"})
    assert account.callback_url(ctx) == "http://localhost:3000/auth/callback"


def test_the_takeover_chain_fails_at_the_provider() -> None:
    """The attacker starts a login with its own redirect URI (another loopback port): the
    provider must refuse to send the victim's code there."""
    registered = tuple(public_url.callback_urls({"YIWANG_PUBLIC_URL": GENUINE}))
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=registered)
    transport = httpx.ASGITransport(app=idp.app())
    client = OIDCProvider(OIDCSettings(issuer=ISSUER, client_id="yiwang"), transport)

    async def attack() -> tuple[int, int]:
        async with httpx.AsyncClient(transport=transport) as browser:
            evil = await client.begin(f"{ATTACKER}/auth/callback")
            good = await client.begin(f"{GENUINE}/auth/callback")
            return (await browser.get(evil.url)).status_code, (
                await browser.get(good.url)
            ).status_code

    evil_status, good_status = asyncio.run(attack())
    assert evil_status == 400
    assert good_status == 200


@pytest.mark.parametrize(
    "uri",
    [
        f"{ATTACKER}/auth/callback",
        f"{GENUINE}/auth/callback?x=1",
        f"{GENUINE}/auth/callback/",
        "http://localhost:3000/auth/callback",
        f"{GENUINE.upper()}/auth/callback",
        "",
    ],
)
def test_the_sandbox_matches_redirect_uris_exactly(uri: str) -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(f"{GENUINE}/auth/callback",))
    assert not idp.redirect_allowed(uri)
    assert idp.redirect_allowed(f"{GENUINE}/auth/callback")


def test_a_sandbox_without_registered_uris_allows_none() -> None:
    assert not SandboxIdP(issuer=ISSUER).redirect_allowed(f"{GENUINE}/auth/callback")


def test_every_host_has_its_configured_url() -> None:
    env = {
        "YIWANG_PUBLIC_URL": "https://yiwang.example.cn",
        "YIWANG_HOSTS": "sd.example.cn=shandong,sc.example.cn=sichuan",
        "YIWANG_PUBLIC_URLS": "sc.example.cn=https://sc.example.cn:8443",
    }
    assert public_url.public_url_for_host("sd.example.cn:443", env) == "https://sd.example.cn"
    assert public_url.public_url_for_host("sc.example.cn", env) == "https://sc.example.cn:8443"
    # a host nobody configured gets the default, never itself
    assert public_url.public_url_for_host("evil.example", env) == "https://yiwang.example.cn"
    assert public_url.callback_urls(env) == [
        "https://sc.example.cn:8443/auth/callback",
        "https://sd.example.cn/auth/callback",
        "https://yiwang.example.cn/auth/callback",
    ]
    assert "http://127.0.0.1:9999" not in public_url.allowed_origins(env)


@pytest.mark.parametrize(
    "bad", ["https://x.example/path", "ftp://x.example", "x.example", "https://u:p@x.example"]
)
def test_a_malformed_public_url_is_named(bad: str) -> None:
    with pytest.raises(public_url.PublicURLError, match="YIWANG_PUBLIC_URL"):
        public_url.default_public_url({"YIWANG_PUBLIC_URL": bad})


def test_production_refuses_to_start_without_its_settings() -> None:
    with pytest.raises(public_url.PublicURLError, match="YIWANG_PUBLIC_URL is required"):
        public_url.default_public_url({"YIWANG_ENV": "production"})
    found = "\n".join(production.problems({"YIWANG_ENV": "production"}))
    for name in ("YIWANG_PUBLIC_URL", "YIWANG_DATA_KEYS", "YIWANG_VIRUS_SCAN_CMD"):
        assert name in found
    plain = production.problems(
        {"YIWANG_ENV": "production", "YIWANG_PUBLIC_URL": "http://yiwang.example.cn"}
    )
    assert any("https" in p for p in plain)
    complete = {
        "YIWANG_ENV": "production",
        "YIWANG_PUBLIC_URL": "https://yiwang.example.cn",
        "YIWANG_DATA_KEYS": "k",
        "YIWANG_VIRUS_SCAN_CMD": "clamdscan -",
    }
    assert production.problems(complete) == []


@pytest.mark.parametrize(
    "path",
    [
        "/\\evil.example/",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/%2F%2Fevil.example",
        "/%252F%252Fevil.example",
        "//evil.example",
        "///evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "https://evil.example/me",
        "javascript:alert(1)",
        "me",
        "/%5C%2Fevil.example",
        "/\\/evil.example",
        " /me",
        "/" + "a" * 600,
    ],
)
def test_return_paths_to_another_origin_are_refused(path: str) -> None:
    assert safe_return_path(path) == "/me"


@pytest.mark.parametrize("path", ["/me", "/apply/1?start=1", "/item/ABC-1#top", "/s%E5%8A%9E"])
def test_own_paths_are_kept(path: str) -> None:
    assert safe_return_path(path) == path


def test_non_strings_are_refused() -> None:
    assert safe_return_path(None) == "/me"
    assert safe_return_path(["/me"]) == "/me"


def test_the_app_refuses_to_start_in_production_without_its_public_url() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIWANG_PUBLIC_URL")}
    done = subprocess.run(
        [sys.executable, "-c", "import rxconfig"],
        cwd=root,
        env={**env, "YIWANG_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "YIWANG_PUBLIC_URL is required" in done.stderr
    assert "Traceback" not in done.stderr
