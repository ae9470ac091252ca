"""A standard OpenID Connect client: authorization code flow with PKCE S256, on httpx + joserfc.

Works against any OIDC provider that publishes discovery and a JWKS: the national or a
provincial identity platform in production, ``app.adapters.sandbox_idp`` in tests and the demo,
and the independent ``oidc-provider`` (npm) in the interop tests. What it does, by the spec:

- discovery at ``<issuer without trailing slash>/.well-known/openid-configuration``; its
  ``issuer`` and every ID token's ``iss`` must equal the configured issuer exactly (OIDC
  Discovery 4.3, Core 3.1.3.7);
- client authentication at the token endpoint as discovery advertises it
  (``token_endpoint_auth_methods_supported``, default ``client_secret_basic``):
  ``private_key_jwt`` when a key is configured, else ``client_secret_basic`` or
  ``client_secret_post``, or ``none`` for a public client (PKCE protects the code);
- the ID token verified before any claim is believed: signature from the JWKS (RS256, PS256,
  ES256, EdDSA/Ed25519), ``iss``, ``aud``, ``azp`` (required with several audiences), ``exp``,
  ``iat`` not in the future, ``nonce``; keys refetched once when a token names an unknown one;
- claims from the ID token and from the UserInfo endpoint (Core 5.4: for the code flow,
  ``profile`` and ``phone`` claims are returned there), merged after checking that UserInfo's
  ``sub`` is the ID token's; then mapped by the province's :class:`ClaimMapping`;
- RP-initiated logout through ``end_session_endpoint`` with ``id_token_hint`` and
  ``post_logout_redirect_uri`` when the provider has one;
- an unreachable provider (connection error, timeout, 5xx) raises :class:`IdentityUnavailable`,
  after refreshing a cached discovery once in case the provider moved its endpoints.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwk import KeySet, import_key
from joserfc.jws import JWSRegistry

from app.adapters.identity import (
    AUTH_METHODS,
    AuthRequest,
    IdentityError,
    IdentityUnavailable,
    OIDCSettings,
)
from app.adapters.identity.mapping import DEFAULT_MAPPING, ClaimMapping
from app.adapters.tls import tls_context
from app.domain.identity import Identity
from app.security.outbound import InsecureURL, require_safe_url

DISCOVERY_TTL_S = 3600
TIMEOUT_S = 10.0
PROBE_TIMEOUT_S = 5.0
LEEWAY_S = 30
#: ID token signature algorithms accepted (what providers publish; never ``none`` or HMAC)
ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA", "Ed25519")
#: claims about the token itself: the ID token's values stand, UserInfo cannot replace them
PROTOCOL_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nbf", "nonce", "azp", "at_hash", "c_hash", "auth_time"}
    | {"acr", "amr", "sid", "jti", "sub"}
)


class _Registry(JWSRegistry):
    """The allowed algorithms, without joserfc's warning on ``EdDSA``: RFC 9864 deprecates
    that polymorphic name in favour of ``Ed25519`` (also accepted), but OpenID providers
    publish ``EdDSA`` today (oidc-provider 8 does) and the spec's registry still lists it."""

    def get_alg(self, name: str):
        if name not in self.algorithms or name not in (self.allowed or ()):
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return self.algorithms[name]


REGISTRY = _Registry(algorithms=ALGORITHMS)


class OIDCProvider:
    """``IdentityProvider`` for one OIDC issuer."""

    def __init__(
        self, settings: OIDCSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport  # tests hand in an ASGI transport to the sandbox
        self._discovery: dict[str, Any] | None = None
        self._discovered_at = 0.0
        self._jwks: KeySet | None = None
        self._client_key = None
        if settings.private_key:
            try:
                text = settings.private_key.strip()
                data: Any = json.loads(text) if text.startswith("{") else text
                self._client_key = import_key(data)
            except (ValueError, JoseError) as exc:
                raise IdentityError(
                    f"YIWANG_OIDC_PRIVATE_KEY_FILE is not a private JWK or PEM key: {exc}",
                    "bad_configuration",
                ) from exc

    def _http(self, timeout: float = TIMEOUT_S) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout, verify=tls_context(), transport=self._transport)

    def _check_url(self, url: str, what: str) -> None:
        try:
            require_safe_url(url, what, allow_http_loopback=self.settings.allow_http_loopback)
        except InsecureURL as exc:
            raise IdentityError(str(exc), "insecure_url") from exc

    # -- discovery -----------------------------------------------------------------------------
    @property
    def discovery_url(self) -> str:
        return self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"

    async def discovery(self, refresh: bool = False) -> dict[str, Any]:
        fresh = time.monotonic() - self._discovered_at < DISCOVERY_TTL_S
        if self._discovery and fresh and not refresh:
            return self._discovery
        url = self.discovery_url
        self._check_url(url, "YIWANG_OIDC_ISSUER (its discovery URL)")
        async with self._http() as client:
            try:
                response = await client.get(url)
                if response.status_code >= 500:
                    raise IdentityUnavailable(f"discovery at {url} answered {response.status_code}")
                response.raise_for_status()
                doc = response.json()
                if not isinstance(doc, dict):
                    raise ValueError("not a JSON object")
                missing = [
                    k
                    for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")
                    if not isinstance(doc.get(k), str)
                ]
                if missing:
                    raise ValueError(f"no {', '.join(missing)}")
                for key in (
                    "authorization_endpoint",
                    "token_endpoint",
                    "jwks_uri",
                    "userinfo_endpoint",
                    "end_session_endpoint",
                ):
                    if doc.get(key):
                        self._check_url(doc[key], f"discovery's {key}")
                jwks_response = await client.get(doc["jwks_uri"])
                if jwks_response.status_code >= 500:
                    raise IdentityUnavailable(
                        f"JWKS at {doc['jwks_uri']} answered {jwks_response.status_code}"
                    )
                jwks_response.raise_for_status()
                keys = KeySet.import_key_set(jwks_response.json())
            except IdentityError:
                raise
            except httpx.TransportError as exc:
                raise IdentityUnavailable(f"identity provider {url} unreachable: {exc!r}") from exc
            except (httpx.HTTPError, KeyError, ValueError, TypeError, JoseError) as exc:
                raise IdentityError(
                    f"discovery at {url} is not usable: {exc}", "bad_discovery"
                ) from exc
        if doc.get("issuer") != self.settings.issuer:
            raise IdentityError(
                f"discovery at {url} names issuer {doc.get('issuer')!r}, "
                f"expected exactly {self.settings.issuer!r} (YIWANG_OIDC_ISSUER)",
                "bad_discovery",
            )
        if "S256" not in doc.get("code_challenge_methods_supported", ["S256"]):
            raise IdentityError(
                f"identity provider {self.settings.issuer} does not offer PKCE S256",
                "bad_discovery",
            )
        self._jwks = keys
        self._discovery, self._discovered_at = doc, time.monotonic()
        return doc

    def auth_method(self, doc: dict[str, Any]) -> str:
        """The token endpoint client authentication to use, from what discovery advertises."""
        offered = doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        wanted = self.settings.auth_method
        if wanted:
            if wanted not in offered:
                raise IdentityError(
                    f"YIWANG_OIDC_AUTH_METHOD={wanted} but the provider offers only "
                    f"{', '.join(offered)}",
                    "client_auth_unsupported",
                )
            candidates = [wanted]
        elif self._client_key is not None:
            candidates = ["private_key_jwt"]
        elif self.settings.client_secret:
            candidates = ["client_secret_basic", "client_secret_post"]
        else:
            candidates = ["none"]
        for method in candidates:
            if method in offered and method in AUTH_METHODS:
                if method == "private_key_jwt" and self._client_key is None:
                    break
                if method.startswith("client_secret") and not self.settings.client_secret:
                    break
                return method
        raise IdentityError(
            f"no usable client authentication: the provider offers {', '.join(offered)}; "
            f"configured: {'private key' if self._client_key else ''}"
            f"{'client secret' if self.settings.client_secret else ''} or none",
            "client_auth_unsupported",
        )

    async def _probe(self, url: str) -> bool:
        """Does anything answer at ``url``? (any HTTP status below 500 counts)"""
        async with self._http(PROBE_TIMEOUT_S) as client:
            try:
                return (await client.get(url)).status_code < 500
            except httpx.TransportError:
                return False

    async def _reachable(self, key: str) -> dict[str, Any]:
        """Discovery whose ``key`` endpoint answers, refreshed once if the cached one does not."""
        doc = await self.discovery()
        if await self._probe(doc[key]):
            return doc
        doc = await self.discovery(refresh=True)
        if await self._probe(doc[key]):
            return doc
        raise IdentityUnavailable(f"{key} {doc[key]} of {self.settings.issuer} does not answer")

    # -- login ---------------------------------------------------------------------------------
    async def begin(self, redirect_uri: str, scope: str = "", acr_values: str = "") -> AuthRequest:
        doc = await self._reachable("authorization_endpoint")
        self.auth_method(doc)  # a configuration that cannot work fails now, not after login
        verifier, nonce, state = generate_token(48), generate_token(24), generate_token(30)
        params = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.settings.scope or scope or DEFAULT_MAPPING.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        if acr_values:
            params["acr_values"] = acr_values
        endpoint = doc["authorization_endpoint"]
        url = endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)
        return AuthRequest(
            url=url, state=state, nonce=nonce, code_verifier=verifier, redirect_uri=redirect_uri
        )

    def _client_assertion(self, token_endpoint: str) -> str:
        key = self._client_key
        assert key is not None
        alg = {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}.get(key.key_type, "RS256")
        if key.key_type == "EC" and getattr(key, "curve_name", "P-256") != "P-256":
            raise IdentityError("private_key_jwt: only EC keys on P-256 are supported")
        now = int(time.time())
        claims = {
            "iss": self.settings.client_id,
            "sub": self.settings.client_id,
            "aud": token_endpoint,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + 60,
        }
        header = {"alg": alg, **({"kid": key.kid} if key.kid else {})}
        return jwt.encode(header, claims, key, registry=REGISTRY)

    async def _token(self, doc: dict[str, Any], request: AuthRequest, code: str) -> dict:
        endpoint = doc["token_endpoint"]
        method = self.auth_method(doc)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.code_verifier,
        }
        auth = None
        if method == "client_secret_basic":
            auth = httpx.BasicAuth(self.settings.client_id, self.settings.client_secret)
        else:
            form["client_id"] = self.settings.client_id
        if method == "client_secret_post":
            form["client_secret"] = self.settings.client_secret
        if method == "private_key_jwt":
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            form["client_assertion"] = self._client_assertion(endpoint)
        async with self._http() as client:
            response = await client.post(
                endpoint,
                data=form,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
            )
        if response.status_code >= 500:
            raise IdentityUnavailable(f"token endpoint {endpoint} answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error", "") if isinstance(body, dict) else ""
            description = body.get("error_description", "") if isinstance(body, dict) else ""
            raise IdentityError(
                f"the code could not be exchanged at {endpoint}: HTTP {response.status_code} "
                f"{error} {description}".strip(),
                "client_rejected" if error == "invalid_client" else "code_rejected",
            )
        return body

    async def complete(
        self,
        request: AuthRequest,
        code: str,
        state: str,
        mapping: ClaimMapping = DEFAULT_MAPPING,
    ) -> Identity:
        if not code or state != request.state:
            raise IdentityError(
                "the login answer does not belong to this login (state mismatch)",
                "state_mismatch",
            )
        doc = await self.discovery()
        try:
            token = await self._token(doc, request, code)
        except httpx.TransportError:
            # a stale discovery (the provider moved its token endpoint), or a real outage
            doc = await self.discovery(refresh=True)
            try:
                token = await self._token(doc, request, code)
            except httpx.TransportError as exc:
                raise IdentityUnavailable(f"token endpoint unreachable: {exc!r}") from exc
        raw = token.get("id_token")
        if not isinstance(raw, str) or not raw:
            raise IdentityError("the token response has no id_token", "invalid_id_token")
        try:
            claims = self.verify_id_token(raw, request.nonce)
        except IdentityError:
            # the provider may have rotated its keys since the JWKS was cached: refetch once
            await self.discovery(refresh=True)
            claims = self.verify_id_token(raw, request.nonce)
        access = token.get("access_token")
        if doc.get("userinfo_endpoint") and isinstance(access, str) and access:
            claims = merge_userinfo(claims, await self.userinfo(doc, access))
        return identity_from_claims(claims, mapping, self.settings.issuer, raw)

    async def userinfo(self, doc: dict[str, Any], access_token: str) -> dict[str, Any]:
        endpoint = doc["userinfo_endpoint"]
        try:
            async with self._http() as client:
                response = await client.get(
                    endpoint, headers={"Authorization": f"Bearer {access_token}"}
                )
        except httpx.TransportError as exc:
            raise IdentityUnavailable(f"UserInfo endpoint {endpoint} unreachable: {exc!r}") from exc
        if response.status_code >= 500:
            raise IdentityUnavailable(
                f"UserInfo endpoint {endpoint} answered {response.status_code}"
            )
        if response.status_code != 200:
            raise IdentityError(
                f"UserInfo endpoint {endpoint} refused the access token: HTTP "
                f"{response.status_code}",
                "userinfo_refused",
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if content_type == "application/jwt":  # a signed UserInfo response (Core 5.3.2)
                assert self._jwks is not None
                body = dict(jwt.decode(response.text.strip(), self._jwks, registry=REGISTRY).claims)
                if body.get("iss", self.settings.issuer) != self.settings.issuer:
                    raise ValueError("signed UserInfo from another issuer")
            else:
                body = response.json()
        except (ValueError, JoseError) as exc:
            raise IdentityError(
                f"UserInfo endpoint {endpoint} answered something unreadable: {exc}",
                "userinfo_refused",
            ) from exc
        if not isinstance(body, dict):
            raise IdentityError(f"UserInfo at {endpoint} is not a JSON object", "userinfo_refused")
        return body

    def verify_id_token(self, raw: str, nonce: str) -> dict[str, Any]:
        """The verified claims of the ID token (Core 3.1.3.7), else :class:`IdentityError`."""
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_S,
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        if self._jwks is None:
            raise IdentityError("no JWKS yet (discovery not fetched)", "invalid_id_token")
        try:
            token = jwt.decode(raw, self._jwks, registry=REGISTRY)
            claims = dict(token.claims)
            registry.validate(claims)
        except (JoseError, ValueError) as exc:
            raise IdentityError(f"the ID token is not valid: {exc}", "invalid_id_token") from exc
        if not isinstance(claims.get("iat"), int | float) or claims["iat"] > time.time() + LEEWAY_S:
            raise IdentityError(
                "the ID token is not valid: iat is in the future", "invalid_id_token"
            )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != self.settings.client_id:
            raise IdentityError(
                f"the ID token is not valid: azp {azp!r} is not this client "
                f"({len(audiences)} audiences)",
                "invalid_id_token",
            )
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise IdentityError("the ID token is not valid: empty sub", "invalid_id_token")
        return claims

    # -- logout --------------------------------------------------------------------------------
    async def logout_url(self, id_token_hint: str, post_logout_redirect_uri: str) -> str | None:
        """Where to send the browser to end the provider's session too (RP-Initiated Logout
        1.0), or ``None`` when the provider has no ``end_session_endpoint`` (local logout only).
        Raises :class:`IdentityUnavailable` when the endpoint does not answer."""
        doc = await self.discovery()
        if not doc.get("end_session_endpoint"):
            return None
        doc = await self._reachable("end_session_endpoint")
        params = {"client_id": self.settings.client_id}
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        if post_logout_redirect_uri:
            params["post_logout_redirect_uri"] = post_logout_redirect_uri
            params["state"] = generate_token(16)
        endpoint = doc["end_session_endpoint"]
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)


def merge_userinfo(id_claims: dict[str, Any], userinfo: dict[str, Any]) -> dict[str, Any]:
    """ID token claims plus UserInfo's (Core 5.4); UserInfo's ``sub`` must be the ID token's
    (Core 5.3.4) and cannot replace the token's own claims (``iss``, ``aud``, ``acr`` …)."""
    if userinfo.get("sub") != id_claims["sub"]:
        raise IdentityError(
            "UserInfo is about another subject than the ID token (sub mismatch)", "sub_mismatch"
        )
    merged = dict(id_claims)
    merged.update({k: v for k, v in userinfo.items() if k not in PROTOCOL_CLAIMS})
    return merged


def _text(claims: dict[str, Any], name: str, field: str) -> str:
    if not name or claims.get(name) is None:
        return ""
    value = claims[name]
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise IdentityError(
            f"claim {name!r} ({field}) must be text, got {type(value).__name__}", "invalid_claims"
        )
    return str(value).strip()


def identity_from_claims(
    claims: dict[str, Any],
    mapping: ClaimMapping = DEFAULT_MAPPING,
    issuer: str = "",
    id_token: str = "",
) -> Identity:
    """The identity these (verified, merged) claims describe, read through ``mapping``.

    Missing claims stay empty and a missing or unknown assurance level is level 0:
    ``Identity.missing()`` tells the flow what the started application lacks."""
    raw_level = claims.get(mapping.level_claim) if mapping.level_claim else None
    level = 0
    if raw_level is not None and not isinstance(raw_level, bool | list | dict):
        level = mapping.levels.get(str(raw_level).strip(), 0)
    kind_value = _text(claims, mapping.account_type, "account_type")
    uscc = _text(claims, mapping.uscc, "uscc")
    if kind_value in mapping.business_values:
        kind = "business"
    elif kind_value in mapping.person_values:
        kind = "person"
    elif kind_value:
        raise IdentityError(
            f"claim {mapping.account_type!r} is {kind_value!r}; identity.toml knows "
            f"{', '.join(mapping.person_values + mapping.business_values)}",
            "invalid_claims",
        )
    else:
        kind = "business" if uscc else "person"
    return Identity(
        sub=str(claims["sub"]),
        name=_text(claims, mapping.name, "name"),
        id_number=_text(claims, mapping.id_number, "id_number").upper(),
        phone=_text(claims, mapping.phone, "phone"),
        level=level,
        kind=kind,
        org_name=_text(claims, mapping.org_name, "org_name"),
        uscc=uscc.upper(),
        issuer=issuer,
        id_token=id_token,
    )
