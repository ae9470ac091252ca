"""Interop: the real OIDC client against an independent, certified provider, the npm
``oidc-provider`` (version pinned in e2e/oidc_provider/package-lock.json) on its spec
defaults, over real HTTP on loopback. The provider's ID tokens carry only ``sub``, ``acr``
and the protocol claims; name, phone and ID number come from UserInfo."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from joserfc.jwk import ECKey

from app.adapters.identity import AuthRequest, IdentityError, IdentityUnavailable, OIDCSettings
from app.adapters.identity.mapping import parse_mapping
from app.adapters.identity.oidc import OIDCProvider
from e2e.interop import STANDARD_MAPPING, Browser, RunningProvider, oidc_provider, version

CALLBACK = "http://127.0.0.1:3999/auth/callback"
AFTER_LOGOUT = "http://127.0.0.1:3999/me"
SECRET = "interop-secret-2c9d1f4e8a7b6c5d"
CLIENT_KEY = ECKey.generate_key("P-256", parameters={"kid": "yiwang-client-1", "use": "sig"})
MAPPING, _problems = parse_mapping(tomllib.loads(STANDARD_MAPPING.read_text()), STANDARD_MAPPING)
assert not _problems

BASE = {
    "redirect_uris": [CALLBACK],
    "post_logout_redirect_uris": [AFTER_LOGOUT],
    "grant_types": ["authorization_code"],
    "response_types": ["code"],
}
CLIENTS = [
    {**BASE, "client_id": "yiwang", "client_secret": SECRET},  # client_secret_basic
    {
        **BASE,
        "client_id": "yiwang-post",
        "client_secret": SECRET,
        "token_endpoint_auth_method": "client_secret_post",
    },
    {
        **BASE,
        "client_id": "yiwang-pkjwt",
        "token_endpoint_auth_method": "private_key_jwt",
        "token_endpoint_auth_signing_alg": "ES256",
        "jwks": {"keys": [CLIENT_KEY.as_dict(private=False)]},
    },
    *(
        {
            **BASE,
            "client_id": f"yiwang-{alg.lower()}",
            "client_secret": SECRET,
            "id_token_signed_response_alg": alg,
        }
        for alg in ("PS256", "ES256", "EdDSA")
    ),
]


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def op() -> Iterator[RunningProvider]:
    with oidc_provider(CLIENTS) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


def client(op: RunningProvider, client_id: str = "yiwang", **settings) -> OIDCProvider:
    if "private_key" not in settings:
        settings.setdefault("client_secret", SECRET)
    return OIDCProvider(OIDCSettings(issuer=op.issuer, client_id=client_id, **settings))


def login(rp: OIDCProvider, browser: Browser, account: str = "op-0001"):
    request = run(rp.begin(CALLBACK, MAPPING.scope, MAPPING.acr_values))
    back = browser.follow(request.url, CALLBACK, account)
    query = {k: v[0] for k, v in parse_qs(urlparse(back).query).items()}
    return request, query


def complete(rp: OIDCProvider, request: AuthRequest, query: dict):
    return run(rp.complete(request, query.get("code", ""), query.get("state", ""), MAPPING))


def test_the_pinned_version_runs() -> None:
    assert (
        version()
        == json.loads((STANDARD_MAPPING.parents[3] / "e2e/oidc_provider/package.json").read_text())[
            "dependencies"
        ]["oidc-provider"]
    )


def test_a_level_3_citizen_logs_in_with_claims_from_userinfo(
    op: RunningProvider, browser: Browser
) -> None:
    rp = client(op)
    request, query = login(rp, browser)
    assert query["iss"] == op.issuer  # RFC 9207, which this provider sends
    identity = complete(rp, request, query)
    assert (identity.sub, identity.name, identity.phone) == ("op-0001", "陈立华", "13911112222")
    assert identity.id_number == "370103194912310025"
    assert (identity.level, identity.kind, identity.missing()) == (3, "person", [])
    # the ID token itself had none of them (spec defaults): the client asked UserInfo
    from joserfc.jws import extract_compact

    in_token = json.loads(extract_compact(identity.id_token.encode()).payload)
    assert "name" not in in_token and "phone_number" not in in_token
    assert in_token["acr"] == "urn:cn:gov:loa:3"


@pytest.mark.parametrize(
    ("client_id", "settings"),
    [
        ("yiwang-post", {"auth_method": "client_secret_post"}),
        ("yiwang-pkjwt", {"private_key": json.dumps(CLIENT_KEY.as_dict(private=True))}),
        ("yiwang-ps256", {}),
        ("yiwang-es256", {}),
        ("yiwang-eddsa", {}),
    ],
)
def test_client_authentication_and_signature_algorithms(
    op: RunningProvider, browser: Browser, client_id: str, settings: dict
) -> None:
    rp = client(op, client_id, **settings)
    request, query = login(rp, browser, "op-0002")
    identity = complete(rp, request, query)
    assert (identity.name, identity.level) == ("刘晓梅", 2)


def test_a_wrong_client_secret_is_refused_not_unavailable(
    op: RunningProvider, browser: Browser
) -> None:
    rp = client(op, client_secret="a-typo-in-the-secret")
    request, query = login(rp, browser)
    with pytest.raises(IdentityError, match="invalid_client") as caught:
        complete(rp, request, query)
    assert caught.value.reason == "client_rejected"
    assert not isinstance(caught.value, IdentityUnavailable)


@pytest.mark.parametrize(("account", "lacks"), [("op-0003", ["id_number"]), ("op-0004", ["level"])])
def test_missing_claims_are_reported(
    op: RunningProvider, browser: Browser, account: str, lacks: list[str]
) -> None:
    rp = client(op)
    request, query = login(rp, browser, account)
    assert complete(rp, request, query).missing("个人", 1) == lacks


def test_a_replayed_code_and_a_wrong_state_are_refused(
    op: RunningProvider, browser: Browser
) -> None:
    rp = client(op)
    request, query = login(rp, browser)
    with pytest.raises(IdentityError, match="state mismatch"):
        run(rp.complete(request, query["code"], "forged", MAPPING))
    complete(rp, request, query)
    with pytest.raises(IdentityError, match="invalid_grant"):
        complete(rp, request, query)


def test_logout_ends_the_provider_session(op: RunningProvider, browser: Browser) -> None:
    rp = client(op)
    request, query = login(rp, browser)
    identity = complete(rp, request, query)
    # while the provider session lives, a new login does not ask again
    again = run(rp.begin(CALLBACK, MAPPING.scope, MAPPING.acr_values))
    assert browser.follow(again.url, CALLBACK).startswith(CALLBACK + "?code=")
    url = run(rp.logout_url(identity.id_token, AFTER_LOGOUT))
    assert url is not None and url.startswith(f"{op.issuer}/session/end?")
    back = browser.logout(url, AFTER_LOGOUT)
    assert parse_qs(urlparse(back).query)["state"]
    # now the provider asks who is there
    fresh = run(rp.begin(CALLBACK, MAPPING.scope, MAPPING.acr_values))
    with pytest.raises(AssertionError, match=r"stuck at .*/interaction/"):
        browser.follow(fresh.url, CALLBACK)


def test_provider_outage_then_recovery_with_new_keys(browser: Browser) -> None:
    with oidc_provider(CLIENTS) as op:
        rp = client(op)
        request, query = login(rp, browser)
        op.stop()
        with pytest.raises(IdentityUnavailable):
            complete(rp, request, query)
        with pytest.raises(IdentityUnavailable):
            run(
                rp.begin(CALLBACK, MAPPING.scope, MAPPING.acr_values)
            )  # discovery is cached: probed, refreshed
        op.start()  # in-memory provider: new signing keys, sessions gone
        fresh = Browser()
        try:
            request, query = login(rp, fresh)
            assert complete(rp, request, query).sub == "op-0001"  # keys refetched once
        finally:
            fresh.close()
