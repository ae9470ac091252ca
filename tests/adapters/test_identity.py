"""The real OIDC client against the sandbox provider, in process (ASGI transport)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from app.adapters.identity import (
    AuthRequest,
    IdentityError,
    OIDCSettings,
    mask_id_number,
    mask_phone,
)
from app.adapters.identity.oidc import OIDCProvider
from sandboxes.idp import SandboxIdP
from sandboxes.idp.accounts import ACCOUNTS

ISSUER = "http://127.0.0.1:9999"
CALLBACK = "http://127.0.0.1:3000/auth/callback"


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def idp() -> SandboxIdP:
    return SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,))


def provider(idp: SandboxIdP, **settings: str) -> OIDCProvider:
    transport = httpx.ASGITransport(app=idp.app())
    return OIDCProvider(OIDCSettings(issuer=ISSUER, client_id="yiwang", **settings), transport)


def login(idp: SandboxIdP, request: AuthRequest, account: str, action: str = "login") -> dict:
    """Play the browser: open the login page, pick an account, follow the redirect."""

    async def go() -> dict:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=idp.app())) as browser:
            page = await browser.get(request.url)
            assert page.status_code == 200, page.text
            assert "统一身份认证登录" in page.text
            params = dict(parse_qs(urlparse(request.url).query))
            form = {k: v[0] for k, v in params.items()} | {"account": account, "action": action}
            answer = await browser.post(f"{ISSUER}/authorize", data=form)
            assert answer.status_code == 303
            location = answer.headers["location"]
            assert location.startswith(CALLBACK + "?")
            return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}

    return run(go())


def test_code_flow_with_pkce_yields_a_verified_identity(idp: SandboxIdP) -> None:
    client = provider(idp)
    request = run(client.begin(CALLBACK))
    query = parse_qs(urlparse(request.url).query)
    assert query["code_challenge_method"] == ["S256"]
    expected = base64.urlsafe_b64encode(hashlib.sha256(request.code_verifier.encode()).digest())
    assert query["code_challenge"] == [expected.rstrip(b"=").decode()]
    answer = login(idp, request, "sbx-business-0001")
    identity = run(client.complete(request, answer["code"], answer["state"]))
    assert identity.sub == "sbx-business-0001"
    assert identity.kind == "business"
    assert identity.uscc == "91370102MA3C4R7X2T"
    assert identity.level == 3
    assert identity.issuer == ISSUER


def test_a_code_is_single_use(idp: SandboxIdP) -> None:
    client = provider(idp)
    request = run(client.begin(CALLBACK))
    answer = login(idp, request, ACCOUNTS[0].sub)
    run(client.complete(request, answer["code"], answer["state"]))
    with pytest.raises(IdentityError, match="could not be exchanged"):
        run(client.complete(request, answer["code"], answer["state"]))


def test_state_mismatch_is_refused(idp: SandboxIdP) -> None:
    client = provider(idp)
    request = run(client.begin(CALLBACK))
    answer = login(idp, request, ACCOUNTS[0].sub)
    with pytest.raises(IdentityError, match="state mismatch"):
        run(client.complete(request, answer["code"], "forged"))


def test_wrong_verifier_is_refused(idp: SandboxIdP) -> None:
    client = provider(idp)
    request = run(client.begin(CALLBACK))
    answer = login(idp, request, ACCOUNTS[0].sub)
    forged = AuthRequest(request.url, request.state, request.nonce, "x" * 48, CALLBACK)
    with pytest.raises(IdentityError, match="PKCE"):
        run(client.complete(forged, answer["code"], answer["state"]))


def test_token_signed_by_another_key_is_refused(idp: SandboxIdP) -> None:
    import time

    from joserfc import jwt

    client = provider(idp)
    request = run(client.begin(CALLBACK))  # caches the real provider's JWKS
    impostor = SandboxIdP(
        issuer=ISSUER, redirect_uris=(CALLBACK,)
    )  # same issuer name, different signing key
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "yiwang", "iat": now, "exp": now + 60}
    claims |= {"nonce": request.nonce, **ACCOUNTS[0].claims()}
    forged = jwt.encode({"alg": "RS256", "kid": idp.kid}, claims, impostor.key)
    with pytest.raises(IdentityError, match="ID token is not valid"):
        client.verify_id_token(forged, request.nonce)
    genuine = jwt.encode({"alg": "RS256", "kid": idp.kid}, claims, idp.key)
    assert client.verify_id_token(genuine, request.nonce)["sub"] == ACCOUNTS[0].sub
    with pytest.raises(IdentityError, match="ID token is not valid"):
        client.verify_id_token(genuine, "another nonce")


def test_cancel_returns_access_denied(idp: SandboxIdP) -> None:
    request = run(provider(idp).begin(CALLBACK))
    answer = login(idp, request, ACCOUNTS[0].sub, action="cancel")
    assert answer["error"] == "access_denied"
    assert "code" not in answer


def test_unregistered_redirect_is_refused(idp: SandboxIdP) -> None:
    request = run(provider(idp).begin("https://evil.example/auth/callback"))

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=idp.app())) as b:
            return await b.get(request.url)

    page = run(go())
    assert page.status_code == 400
    assert "is not registered" in page.text


def test_issuer_must_use_https_off_loopback() -> None:
    client = OIDCProvider(OIDCSettings(issuer="http://idp.example", client_id="yiwang"))
    with pytest.raises(IdentityError, match="must use https"):
        run(client.begin(CALLBACK))


def test_masks() -> None:
    assert mask_id_number("37010219850312002X") == "3701**********002X"
    assert mask_phone("13800135678") == "138****5678"


def test_synthetic_load_test_citizens_sign_in_with_accounts_of_their_own(idp: SandboxIdP) -> None:
    from app.domain.codes import validate_id_number
    from sandboxes.idp.accounts import account, synthetic_account

    client = provider(idp)
    seen = set()
    for sub in ("sbx-load-0", "sbx-load-7f3a9c", "sbx-load-" + "z" * 32):
        request = run(client.begin(CALLBACK))
        answer = login(idp, request, sub)
        identity = run(client.complete(request, answer["code"], answer["state"]))
        assert identity.sub == sub and identity.level == 2 and identity.kind == "person"
        validate_id_number(identity.id_number)
        seen.add(identity.id_number)
    assert len(seen) == 3
    assert synthetic_account("sbx-load-7f3a9c") == account("sbx-load-7f3a9c")  # deterministic

    async def login_page() -> str:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=idp.app())) as browser:
            return (await browser.get((await client.begin(CALLBACK)).url)).text

    page = run(login_page())
    assert "张三" in page
    assert "sbx-load" not in page and "压力测试" not in page  # never offered to a person


@pytest.mark.parametrize(
    "sub", ["sbx-load-", "sbx-load-UPPER", "sbx-load-" + "a" * 33, "sbx-person-9999", "load-1"]
)
def test_anything_else_is_refused(idp: SandboxIdP, sub: str) -> None:
    from sandboxes.idp.accounts import account

    assert account(sub) is None
    client = provider(idp)
    request = run(client.begin(CALLBACK))
    assert login(idp, request, sub)["error"] == "access_denied"
