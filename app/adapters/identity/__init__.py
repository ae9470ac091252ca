"""Unified identity (统一身份认证): the provider interface the flow depends on.

The flow never talks OpenID Connect itself: it asks an :class:`IdentityProvider` for an
authorization request (a URL to send the browser to, plus the secrets to keep server-side)
and hands the callback's ``code`` and ``state`` back to it for a verified :class:`Identity`.
``app.adapters.identity.oidc.OIDCProvider`` is the standard implementation; the sandbox in
``sandboxes.idp`` is a provider it can talk to on loopback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.domain.identity import Identity

if TYPE_CHECKING:
    from app.adapters.identity.mapping import ClaimMapping


class IdentityError(Exception):
    """Login failed or its answer could not be trusted; the message says why (for the
    operator's log, never shown to the citizen) and ``reason`` is a short code for the
    audit log: ``state_mismatch``, ``code_rejected``, ``invalid_id_token``, ``sub_mismatch``,
    ``invalid_claims``, ``userinfo_refused``, ``bad_discovery``, ``insecure_url``,
    ``client_auth_unsupported``, ``provider_unavailable``."""

    def __init__(self, message: str, reason: str = "rejected") -> None:
        super().__init__(message)
        self.reason = reason


class IdentityUnavailable(IdentityError):
    """The provider could not be reached (or answered 5xx) at discovery, authorization,
    token or UserInfo time: the citizen is told to retry later, not that login failed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "provider_unavailable")


@dataclass(frozen=True)
class AuthRequest:
    """One login attempt: the URL for the browser and what must stay on the server."""

    url: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


class IdentityProvider(Protocol):
    async def begin(self, redirect_uri: str, scope: str = "", acr_values: str = "") -> AuthRequest:
        """Prepare a login; the browser goes to ``AuthRequest.url``."""
        ...

    async def complete(
        self, request: AuthRequest, code: str, state: str, mapping: ClaimMapping
    ) -> Identity:
        """Exchange the callback's code; verify the ID token; merge UserInfo; map claims."""
        ...


AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")


@dataclass(frozen=True)
class OIDCSettings:
    #: compared exactly with discovery's ``issuer`` and the ID token's ``iss`` (a trailing
    #: slash is part of the identifier)
    issuer: str
    client_id: str
    client_secret: str = field(default="", repr=False)
    #: empty: the province's claim mapping says which scopes to ask (identity.toml)
    scope: str = ""
    #: empty: chosen from discovery's ``token_endpoint_auth_methods_supported``
    auth_method: str = ""
    #: a private JWK (JSON) or PEM for ``private_key_jwt``
    private_key: str = field(default="", repr=False)
    #: Extra issuers whose discovery the client may fetch over plain http (loopback only).
    allow_http_loopback: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def settings_from_env() -> OIDCSettings | None:
    """``YIWANG_OIDC_ISSUER`` (exactly as the provider names itself),
    ``YIWANG_OIDC_CLIENT_ID``, ``YIWANG_OIDC_CLIENT_SECRET``, ``YIWANG_OIDC_AUTH_METHOD``,
    ``YIWANG_OIDC_PRIVATE_KEY_FILE``, ``YIWANG_OIDC_SCOPE`` (see docs/deploy.md); ``None``
    when no issuer is configured (login is then unavailable and says so). A bad value
    raises ``ValueError`` naming the setting."""
    issuer = os.environ.get("YIWANG_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    method = os.environ.get("YIWANG_OIDC_AUTH_METHOD", "").strip()
    if method and method not in AUTH_METHODS:
        raise ValueError(
            f"YIWANG_OIDC_AUTH_METHOD={method!r}: expected one of {', '.join(AUTH_METHODS)}"
        )
    key = ""
    if key_file := os.environ.get("YIWANG_OIDC_PRIVATE_KEY_FILE", "").strip():
        try:
            key = Path(key_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"YIWANG_OIDC_PRIVATE_KEY_FILE={key_file!r}: {exc}") from exc
    return OIDCSettings(
        issuer=issuer,
        client_id=os.environ.get("YIWANG_OIDC_CLIENT_ID", "yiwang"),
        client_secret=os.environ.get("YIWANG_OIDC_CLIENT_SECRET", ""),
        scope=os.environ.get("YIWANG_OIDC_SCOPE", "").strip(),
        auth_method=method,
        private_key=key,
    )


def mask_id_number(value: str) -> str:
    """``3701**********002X``: the area prefix and the last four stay visible."""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_phone(value: str) -> str:
    """``138****5678``."""
    v = value.strip()
    if len(v) < 7:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


def mask_uscc(value: str) -> str:
    v = value.strip()
    return v if len(v) < 10 else v[:6] + "*" * (len(v) - 10) + v[-4:]
