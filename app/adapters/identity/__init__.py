"""Unified identity (统一身份认证): the provider interface the flow depends on.

The flow never talks OpenID Connect itself: it asks an :class:`IdentityProvider` for an
authorization request (a URL to send the browser to, plus the secrets to keep server-side)
and hands the callback's ``code`` and ``state`` back to it for a verified :class:`Identity`.
``app.adapters.identity.oidc.OIDCProvider`` is the standard implementation; the sandbox in
``app.adapters.sandbox_idp`` is a provider it can talk to on loopback.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Literal, Protocol

AccountKind = Literal["person", "business"]

#: Real-name levels of the national identity platform: 1 = name and ID number checked,
#: 2 = plus a verified phone or bank card, 3 = plus face verification (实人).
REAL_NAME_LEVELS = (1, 2, 3)


class IdentityError(Exception):
    """Login failed or its answer could not be trusted; the message says why."""


@dataclass(frozen=True)
class Identity:
    """Who signed in, as the identity provider vouches for it."""

    sub: str
    name: str
    id_number: str
    phone: str
    level: int
    kind: AccountKind = "person"
    org_name: str = ""
    uscc: str = ""
    issuer: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Identity:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})  # type: ignore[arg-type]


@dataclass(frozen=True)
class AuthRequest:
    """One login attempt: the URL for the browser and what must stay on the server."""

    url: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


class IdentityProvider(Protocol):
    async def begin(self, redirect_uri: str) -> AuthRequest:
        """Prepare a login; the browser goes to ``AuthRequest.url``."""
        ...

    async def complete(self, request: AuthRequest, code: str, state: str) -> Identity:
        """Exchange the callback's code; verify the ID token; return the identity."""
        ...


@dataclass(frozen=True)
class OIDCSettings:
    issuer: str
    client_id: str
    client_secret: str = ""
    scope: str = "openid profile phone idcard"
    #: Extra issuers whose discovery the client may fetch over plain http (loopback only).
    allow_http_loopback: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def settings_from_env() -> OIDCSettings | None:
    """``YIWANG_OIDC_ISSUER``, ``YIWANG_OIDC_CLIENT_ID``, ``YIWANG_OIDC_CLIENT_SECRET``;
    ``None`` when no issuer is configured (login is then unavailable and says so)."""
    issuer = os.environ.get("YIWANG_OIDC_ISSUER", "").strip().rstrip("/")
    if not issuer:
        return None
    return OIDCSettings(
        issuer=issuer,
        client_id=os.environ.get("YIWANG_OIDC_CLIENT_ID", "yiwang"),
        client_secret=os.environ.get("YIWANG_OIDC_CLIENT_SECRET", ""),
        scope=os.environ.get("YIWANG_OIDC_SCOPE", "openid profile phone idcard"),
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
