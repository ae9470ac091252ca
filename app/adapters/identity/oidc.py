"""A standard OpenID Connect client: authorization code flow with PKCE S256, on httpx + joserfc.

Works against any OIDC provider that publishes discovery and a JWKS: the national or a
provincial identity platform in production, ``sandboxes.idp`` in tests and the demo,
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

The provider here runs the login; discovery and the client authentication are in
``discovery``, the JOSE work (ID token, signed UserInfo, client assertion) in ``tokens``, and
the claims' mapping to an Identity in ``claims`` (each a module of this package).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.adapters.identity import (
    AuthRequest,
    IdentityError,
    IdentityUnavailable,
    OIDCSettings,
)
from app.adapters.identity import discovery as discovery_doc
from app.adapters.identity.claims import identity_from_claims, merge_userinfo
from app.adapters.identity.discovery import DISCOVERY_TTL_S
from app.adapters.identity.mapping import DEFAULT_MAPPING, ClaimMapping
from app.adapters.identity.tokens import (
    client_assertion,
    load_client_key,
    signed_userinfo,
    verify_id_token,
)
from app.adapters.tls import tls_context
from app.domain.identity import Identity
from app.security.outbound import InsecureURL, require_safe_url

__all__ = ["OIDCProvider"]

TIMEOUT_S = 10.0
PROBE_TIMEOUT_S = 5.0


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
        self._client_key = load_client_key(settings.private_key)

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
        return discovery_doc.discovery_url(self.settings.issuer)

    async def discovery(self, refresh: bool = False) -> dict[str, Any]:
        """The issuer's discovery document (cached ``DISCOVERY_TTL_S``), its JWKS kept."""
        fresh = time.monotonic() - self._discovered_at < DISCOVERY_TTL_S
        if self._discovery and fresh and not refresh:
            return self._discovery
        async with self._http() as client:
            doc, self._jwks = await discovery_doc.fetch(client, self.settings, self._check_url)
        self._discovery, self._discovered_at = doc, time.monotonic()
        return doc

    def auth_method(self, doc: dict[str, Any]) -> str:
        """The token endpoint client authentication to use, from what discovery advertises."""
        return discovery_doc.auth_method(doc, self.settings, self._client_key is not None)

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
            form["client_assertion"] = client_assertion(
                self._client_key, self.settings.client_id, endpoint
            )
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
                body = signed_userinfo(response.text, self._jwks, self.settings.issuer)
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
        return verify_id_token(
            raw, self._jwks, self.settings.issuer, self.settings.client_id, nonce
        )

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
