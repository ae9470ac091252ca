"""A standard OpenID Connect client (authorization code flow with PKCE S256), on authlib.

Works against any OIDC provider that publishes discovery and a JWKS: the national or a
provincial identity platform in production, ``app.adapters.sandbox_idp`` in tests and the demo.
The ID token is verified (signature from the JWKS, ``iss``, ``aud``, ``exp``, ``nonce``) before
any claim is believed.

Claims read beyond the standard ones: ``id_number`` (GB 11643), ``real_name_level`` (1-3),
``account_type`` (``person`` / ``business``), ``org_name`` and ``uscc`` for businesses.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.adapters.identity import AuthRequest, Identity, IdentityError, OIDCSettings
from app.adapters.tls import tls_context

DISCOVERY_TTL_S = 3600
TIMEOUT_S = 10.0


class OIDCProvider:
    """``IdentityProvider`` for one OIDC issuer."""

    def __init__(
        self, settings: OIDCSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport  # tests hand in an ASGI transport to the sandbox
        self._discovery: dict[str, Any] | None = None
        self._discovered_at = 0.0
        self._jwks: Any = None

    def _client(self, **kwargs: Any) -> Any:
        # Any: authlib builds AsyncOAuth2Client on httpx2 or httpx, whichever imports, so its
        # base class (and async with) is unknown to a type checker
        return AsyncOAuth2Client(
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret or None,
            scope=self.settings.scope,
            code_challenge_method="S256",
            token_endpoint_auth_method=(
                "client_secret_post" if self.settings.client_secret else "none"
            ),
            timeout=TIMEOUT_S,
            verify=tls_context(),
            **({"transport": self._transport} if self._transport else {}),
            **kwargs,
        )

    def _check_url(self, url: str, what: str) -> None:
        parsed = urlparse(url)
        loopback = parsed.hostname in {"127.0.0.1", "localhost", "::1"}
        if parsed.scheme == "https" or (
            parsed.scheme == "http" and loopback and self.settings.allow_http_loopback
        ):
            return
        raise IdentityError(f"{what} {url!r} must use https (plain http only on loopback)")

    async def discovery(self) -> dict[str, Any]:
        if self._discovery and time.monotonic() - self._discovered_at < DISCOVERY_TTL_S:
            return self._discovery
        url = f"{self.settings.issuer}/.well-known/openid-configuration"
        self._check_url(url, "discovery URL")
        async with httpx.AsyncClient(
            timeout=TIMEOUT_S, verify=tls_context(), transport=self._transport
        ) as client:
            try:
                response = await client.get(url)
                response.raise_for_status()
                doc = response.json()
                jwks_response = await client.get(doc["jwks_uri"])
                jwks_response.raise_for_status()
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                raise IdentityError(f"identity provider {url} unavailable: {exc}") from exc
        if doc.get("issuer", "").rstrip("/") != self.settings.issuer:
            raise IdentityError(
                f"discovery at {url} names issuer {doc.get('issuer')!r}, "
                f"expected {self.settings.issuer!r}"
            )
        if "S256" not in doc.get("code_challenge_methods_supported", ["S256"]):
            raise IdentityError(
                f"identity provider {self.settings.issuer} does not offer PKCE S256"
            )
        self._jwks = KeySet.import_key_set(jwks_response.json())
        self._discovery, self._discovered_at = doc, time.monotonic()
        return doc

    async def begin(self, redirect_uri: str) -> AuthRequest:
        doc = await self.discovery()
        verifier, nonce = generate_token(48), generate_token(24)
        async with self._client(redirect_uri=redirect_uri) as client:
            url, state = client.create_authorization_url(
                doc["authorization_endpoint"], code_verifier=verifier, nonce=nonce
            )
        return AuthRequest(
            url=url, state=state, nonce=nonce, code_verifier=verifier, redirect_uri=redirect_uri
        )

    async def complete(self, request: AuthRequest, code: str, state: str) -> Identity:
        if not code or state != request.state:
            raise IdentityError("the login answer does not belong to this login (state mismatch)")
        doc = await self.discovery()
        async with self._client(redirect_uri=request.redirect_uri) as client:
            try:
                token = await client.fetch_token(
                    doc["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=request.code_verifier,
                )
            except Exception as exc:  # authlib raises OAuthError or httpx errors
                raise IdentityError(f"the code could not be exchanged: {exc}") from exc
        raw = token.get("id_token")
        if not raw:
            raise IdentityError("the token response has no id_token")
        try:
            return self.verify_id_token(raw, request.nonce)
        except IdentityError:
            # the provider may have rotated its keys since the JWKS was cached: refetch once
            self._discovery = None
            await self.discovery()
            return self.verify_id_token(raw, request.nonce)

    def verify_id_token(self, raw: str, nonce: str) -> Identity:
        registry = jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            token = jwt.decode(raw, self._jwks, algorithms=["RS256", "ES256"])
            registry.validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise IdentityError(f"the ID token is not valid: {exc}") from exc
        return identity_from_claims(dict(token.claims), self.settings.issuer)


def identity_from_claims(claims: dict[str, Any], issuer: str) -> Identity:
    level = claims.get("real_name_level", 1)
    if level not in (1, 2, 3):
        raise IdentityError(f"claim real_name_level must be 1, 2 or 3, got {level!r}")
    kind = claims.get("account_type", "person")
    if kind not in ("person", "business"):
        raise IdentityError(f"claim account_type must be person or business, got {kind!r}")
    return Identity(
        sub=str(claims["sub"]),
        name=str(claims.get("name", "")),
        id_number=str(claims.get("id_number", "")),
        phone=str(claims.get("phone_number", "")),
        level=int(level),
        kind=kind,
        org_name=str(claims.get("org_name", "")),
        uscc=str(claims.get("uscc", "")),
        issuer=issuer,
    )
