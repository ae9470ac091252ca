"""Standard OpenID Connect behaviour of the real client, against the sandbox provider over
HTTP in process: UserInfo merge, client authentication from discovery, signature algorithms,
azp, exact issuer, RP-initiated logout, outages and a stale discovery."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from joserfc import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse

from app.adapters.identity import AuthRequest, IdentityError, IdentityUnavailable, OIDCSettings
from app.adapters.identity.claims import identity_from_claims, merge_userinfo
from app.adapters.identity.oidc import OIDCProvider
from app.adapters.identity.tokens import REGISTRY
from sandboxes.idp import SandboxIdP

ISSUER = "http://127.0.0.1:9999"
CALLBACK = "http://127.0.0.1:3000/auth/callback"
ZHANG = "sbx-person-0001"


def run(coro):
    return asyncio.run(coro)


class Wire(httpx.AsyncBaseTransport):
    """The network between client and provider: records requests, can be cut per path."""

    def __init__(self, idp: SandboxIdP) -> None:
        self.inner = httpx.ASGITransport(app=idp.app())
        self.down: set[str] = set()
        self.failing: set[str] = set()
        self.seen: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if any(request.url.path.endswith(p) for p in self.down):
            raise httpx.ConnectError("connection refused", request=request)
        if any(request.url.path.endswith(p) for p in self.failing):
            return httpx.Response(503, text="maintenance", request=request)
        return await self.inner.handle_async_request(request)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.seen]


def client_for(idp: SandboxIdP, issuer: str = ISSUER, **settings) -> tuple[OIDCProvider, Wire]:
    wire = Wire(idp)
    return OIDCProvider(OIDCSettings(issuer=issuer, client_id="yiwang", **settings), wire), wire


def sign_in(idp: SandboxIdP, request: AuthRequest, account: str = ZHANG) -> tuple[str, str]:
    """Play the browser on the sandbox's login page; return (code, state)."""

    async def go() -> tuple[str, str]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=idp.app())) as browser:
            params = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
            answer = await browser.post(
                f"{idp._base}/authorize", data=params | {"account": account, "action": "login"}
            )
            query = parse_qs(urlparse(answer.headers["location"]).query)
            return query["code"][0], query["state"][0]

    return run(go())


def full_login(client: OIDCProvider, idp: SandboxIdP, account: str = ZHANG):
    request = run(client.begin(CALLBACK))
    code, state = sign_in(idp, request, account)
    return run(client.complete(request, code, state))


# -- claims from UserInfo ----------------------------------------------------------------------
def test_claims_come_from_userinfo_when_the_id_token_has_only_sub() -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,), claims_in_id_token=False)
    client, wire = client_for(idp)
    identity = full_login(client, idp)
    assert "/userinfo" in wire.paths()
    assert (identity.name, identity.id_number, identity.phone) == (
        "张三",
        "37010219850312002X",
        "13800135678",
    )
    assert identity.level == 3 and identity.missing() == []


class OtherSubjectUserInfo(SandboxIdP):
    async def userinfo(self, request: Request):
        return JSONResponse({"sub": "sbx-person-0002", "name": "李秀英"})


def test_userinfo_about_another_subject_is_refused() -> None:
    idp = OtherSubjectUserInfo(issuer=ISSUER, redirect_uris=(CALLBACK,), claims_in_id_token=False)
    client, _ = client_for(idp)
    with pytest.raises(IdentityError, match="sub mismatch") as caught:
        full_login(client, idp)
    assert caught.value.reason == "sub_mismatch"


def test_userinfo_cannot_replace_the_id_tokens_own_claims() -> None:
    merged = merge_userinfo(
        {"sub": "a", "iss": ISSUER, "acr": "loa3", "name": "old"},
        {"sub": "a", "iss": "https://evil.example", "acr": "loa1", "name": "new"},
    )
    assert merged == {"sub": "a", "iss": ISSUER, "acr": "loa3", "name": "new"}


# -- client authentication -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (("client_secret_basic", "client_secret_post"), "basic"),
        (("client_secret_post",), "post"),
    ],
)
def test_client_authentication_follows_discovery(offered, expected) -> None:
    idp = SandboxIdP(
        issuer=ISSUER, redirect_uris=(CALLBACK,), client_secret="s3cret", auth_methods=offered
    )
    client, wire = client_for(idp, client_secret="s3cret")
    assert full_login(client, idp).sub == ZHANG
    token_request = next(r for r in wire.seen if r.url.path == "/token")
    body = token_request.content.decode()
    if expected == "basic":
        assert token_request.headers["authorization"].startswith("Basic ")
        assert "client_secret" not in body
    else:
        assert "authorization" not in token_request.headers
        assert "client_secret=s3cret" in body


def test_a_wrong_secret_is_a_refused_login_not_an_outage() -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,), client_secret="s3cret")
    client, _ = client_for(idp, client_secret="typo")
    with pytest.raises(IdentityError, match="invalid_client") as caught:
        full_login(client, idp)
    assert caught.value.reason == "client_rejected"
    assert not isinstance(caught.value, IdentityUnavailable)


def test_a_method_the_provider_does_not_offer_is_refused_before_login() -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,), auth_methods=("private_key_jwt",))
    client, _ = client_for(idp, client_secret="s3cret")
    with pytest.raises(IdentityError, match="no usable client authentication") as caught:
        run(client.begin(CALLBACK))
    assert caught.value.reason == "client_auth_unsupported"
    forced, _ = client_for(
        SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,)), auth_method="private_key_jwt"
    )
    with pytest.raises(IdentityError, match="YIWANG_OIDC_AUTH_METHOD=private_key_jwt"):
        run(forced.begin(CALLBACK))


# -- signatures, azp, iat -----------------------------------------------------------------------
@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "EdDSA"])
def test_every_standard_signature_algorithm_is_accepted(alg: str) -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,), alg=alg)
    client, _ = client_for(idp)
    assert full_login(client, idp).sub == ZHANG


def _token(idp: SandboxIdP, nonce: str, **claims) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": "yiwang", "iat": now, "exp": now + 60, "sub": ZHANG}
    body |= {"nonce": nonce, **claims}
    return jwt.encode({"alg": idp.alg, "kid": idp.kid}, body, idp.key, registry=REGISTRY)


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({"aud": ["yiwang", "other-app"]}, False),  # several audiences need azp
        ({"aud": ["yiwang", "other-app"], "azp": "yiwang"}, True),
        ({"aud": ["yiwang", "other-app"], "azp": "other-app"}, False),
        ({"azp": "other-app"}, False),
        ({"aud": "other-app"}, False),
        ({"iat": int(time.time()) + 3600}, False),  # issued in the future
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, False),
        ({"iss": ISSUER + "/"}, False),  # the issuer is compared exactly
    ],
)
def test_id_token_checks(claims: dict, accepted: bool) -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,))
    client, _ = client_for(idp)
    request = run(client.begin(CALLBACK))
    raw = _token(idp, request.nonce, **claims)
    if accepted:
        assert client.verify_id_token(raw, request.nonce)["sub"] == ZHANG
    else:
        with pytest.raises(IdentityError, match="ID token is not valid"):
            client.verify_id_token(raw, request.nonce)


def test_unsigned_and_hmac_tokens_are_refused() -> None:
    from joserfc.jwk import OctKey

    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,))
    client, _ = client_for(idp)
    request = run(client.begin(CALLBACK))
    now = int(time.time())
    body = {"iss": ISSUER, "aud": "yiwang", "iat": now, "exp": now + 60, "sub": ZHANG}
    forged = jwt.encode(
        {"alg": "HS256"}, body | {"nonce": request.nonce}, OctKey.import_key("k" * 32)
    )
    with pytest.raises(IdentityError, match="ID token is not valid"):
        client.verify_id_token(forged, request.nonce)


# -- the issuer, exactly -------------------------------------------------------------------------
def test_an_issuer_with_a_trailing_slash_logs_in() -> None:
    idp = SandboxIdP(issuer=ISSUER + "/", redirect_uris=(CALLBACK,))
    client, wire = client_for(idp, issuer=ISSUER + "/")
    identity = full_login(client, idp)
    assert identity.issuer == ISSUER + "/"
    assert wire.seen[0].url == ISSUER + "/.well-known/openid-configuration"


def test_an_issuer_that_differs_by_a_slash_is_refused() -> None:
    client, _ = client_for(
        SandboxIdP(issuer=ISSUER + "/", redirect_uris=(CALLBACK,)), issuer=ISSUER
    )
    with pytest.raises(IdentityError, match="expected exactly") as caught:
        run(client.begin(CALLBACK))
    assert caught.value.reason == "bad_discovery"


# -- RP-initiated logout -------------------------------------------------------------------------
def test_logout_goes_through_the_end_session_endpoint() -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,))
    client, _ = client_for(idp)
    identity = full_login(client, idp)
    assert identity.id_token and identity.id_token not in repr(identity)
    url = run(client.logout_url(identity.id_token, "http://127.0.0.1:3000/me"))
    assert url is not None and url.startswith(ISSUER + "/logout?")
    query = parse_qs(urlparse(url).query)
    assert query["id_token_hint"] == [identity.id_token]
    assert query["post_logout_redirect_uri"] == ["http://127.0.0.1:3000/me"]

    async def follow() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=idp.app())) as browser:
            return await browser.get(url)

    answer = run(follow())
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("http://127.0.0.1:3000/me?state=")
    assert idp.logouts == [ZHANG]


def test_without_end_session_endpoint_logout_is_local_only() -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,), end_session=False)
    client, _ = client_for(idp)
    identity = full_login(client, idp)
    assert run(client.logout_url(identity.id_token, "http://127.0.0.1:3000/me")) is None


# -- outages -------------------------------------------------------------------------------------
def test_provider_down_at_discovery_is_unavailable() -> None:
    client, wire = client_for(SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,)))
    wire.down.add("/openid-configuration")
    with pytest.raises(IdentityUnavailable):
        run(client.begin(CALLBACK))


def test_provider_down_at_login_start_with_a_cached_discovery() -> None:
    """The cached discovery is refreshed once; then the citizen hears "unavailable" instead
    of being sent to an authorization endpoint that does not answer."""
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,))
    client, wire = client_for(idp)
    run(client.begin(CALLBACK))
    wire.down.add("/authorize")
    before = wire.paths().count("/.well-known/openid-configuration")
    with pytest.raises(IdentityUnavailable, match="does not answer"):
        run(client.begin(CALLBACK))
    assert wire.paths().count("/.well-known/openid-configuration") == before + 1


class MovedIdP(SandboxIdP):
    """A provider that moved its endpoints under /v2 after the client cached discovery."""

    moved = False

    async def discovery(self, request: Request):
        answer = await super().discovery(request)
        if not self.moved:
            return answer
        import json

        doc = json.loads(bytes(answer.body))
        for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint"):
            doc[key] = doc[key].replace(ISSUER, ISSUER + "/v2")
        return JSONResponse(doc)

    def app(self):
        from starlette.routing import Mount

        inner = super().app()
        inner.routes.append(Mount("/v2", app=super().app()))
        return inner


def test_a_stale_discovery_is_refreshed_once_at_token_time() -> None:
    idp = MovedIdP(issuer=ISSUER, redirect_uris=(CALLBACK,))
    client, wire = client_for(idp)
    request = run(client.begin(CALLBACK))
    code, state = sign_in(idp, request)
    idp.moved = True
    original = wire.handle_async_request

    async def old_token_endpoint_gone(req: httpx.Request) -> httpx.Response:
        if req.url.path == "/token":
            raise httpx.ConnectError("gone", request=req)
        return await original(req)

    wire.handle_async_request = old_token_endpoint_gone  # type: ignore[method-assign]
    identity = run(client.complete(request, code, state))
    assert identity.sub == ZHANG
    assert "/v2/token" in wire.paths()


@pytest.mark.parametrize("where", ["/token", "/userinfo"])
@pytest.mark.parametrize("how", ["down", "failing"])
def test_provider_down_at_token_or_userinfo_time_is_unavailable(where: str, how: str) -> None:
    idp = SandboxIdP(issuer=ISSUER, redirect_uris=(CALLBACK,))
    client, wire = client_for(idp)
    request = run(client.begin(CALLBACK))
    code, state = sign_in(idp, request)
    getattr(wire, how).add(where)
    with pytest.raises(IdentityUnavailable):
        run(client.complete(request, code, state))


# -- claims as the mapping reads them ------------------------------------------------------------
@pytest.mark.parametrize(("value", "level"), [(3, 3), ("3", 3), (" 2 ", 2), (True, 0), (7, 0)])
def test_level_claim_as_integer_or_string(value, level: int) -> None:
    identity = identity_from_claims({"sub": "x", "name": "甲", "real_name_level": value})
    assert identity.level == level


def test_missing_claims_are_reported_not_invented() -> None:
    identity = identity_from_claims({"sub": "x"})
    assert (identity.name, identity.id_number, identity.phone, identity.level) == ("", "", "", 0)
    assert identity.missing("个人", 1) == ["name", "id_number", "level"]
    business = identity_from_claims(
        {"sub": "b", "name": "乙", "account_type": "business", "real_name_level": 3}
    )
    assert business.kind == "business"
    assert business.missing("法人", 2) == ["uscc", "org_name"]
    with pytest.raises(IdentityError, match="account_type"):
        identity_from_claims({"sub": "x", "account_type": "robot"})
