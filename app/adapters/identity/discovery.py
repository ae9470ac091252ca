"""OpenID Provider discovery (OIDC Discovery 1.0) and its JWKS, checked before anything is
believed, and the token endpoint's client authentication chosen from what it advertises.
``app.adapters.identity.oidc.OIDCProvider`` caches what :func:`fetch` returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.adapters.identity import (
    AUTH_METHODS,
    IdentityError,
    IdentityUnavailable,
    OIDCSettings,
)

DISCOVERY_TTL_S = 3600
#: the endpoints discovery must name
REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")
#: every URL of discovery the client may call (each must pass the outbound URL rule)
ENDPOINTS = (*REQUIRED, "userinfo_endpoint", "end_session_endpoint")


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


async def fetch(
    client: httpx.AsyncClient, settings: OIDCSettings, check_url: Callable[[str, str], None]
) -> tuple[dict[str, Any], KeySet]:
    """The issuer's discovery document and its JWKS. Its ``issuer`` must equal the configured
    one exactly (Discovery 4.3) and it must offer PKCE S256; ``check_url(url, what)`` raises
    for a URL the client must not call. A provider that cannot be reached or answers 5xx
    raises :class:`IdentityUnavailable`, anything else unusable ``bad_discovery``."""
    url = discovery_url(settings.issuer)
    check_url(url, "YIWANG_OIDC_ISSUER (its discovery URL)")
    try:
        response = await client.get(url)
        if response.status_code >= 500:
            raise IdentityUnavailable(f"discovery at {url} answered {response.status_code}")
        response.raise_for_status()
        doc = response.json()
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
        missing = [k for k in REQUIRED if not isinstance(doc.get(k), str)]
        if missing:
            raise ValueError(f"no {', '.join(missing)}")
        for key in ENDPOINTS:
            if doc.get(key):
                check_url(doc[key], f"discovery's {key}")
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
        raise IdentityError(f"discovery at {url} is not usable: {exc}", "bad_discovery") from exc
    if doc.get("issuer") != settings.issuer:
        raise IdentityError(
            f"discovery at {url} names issuer {doc.get('issuer')!r}, "
            f"expected exactly {settings.issuer!r} (YIWANG_OIDC_ISSUER)",
            "bad_discovery",
        )
    if "S256" not in doc.get("code_challenge_methods_supported", ["S256"]):
        raise IdentityError(
            f"identity provider {settings.issuer} does not offer PKCE S256", "bad_discovery"
        )
    return doc, keys


def auth_method(doc: dict[str, Any], settings: OIDCSettings, has_key: bool) -> str:
    """The token endpoint client authentication to use, from what discovery advertises."""
    offered = doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    wanted = settings.auth_method
    if wanted:
        if wanted not in offered:
            raise IdentityError(
                f"YIWANG_OIDC_AUTH_METHOD={wanted} but the provider offers only "
                f"{', '.join(offered)}",
                "client_auth_unsupported",
            )
        candidates = [wanted]
    elif has_key:
        candidates = ["private_key_jwt"]
    elif settings.client_secret:
        candidates = ["client_secret_basic", "client_secret_post"]
    else:
        candidates = ["none"]
    for method in candidates:
        if method in offered and method in AUTH_METHODS:
            if method == "private_key_jwt" and not has_key:
                break
            if method.startswith("client_secret") and not settings.client_secret:
                break
            return method
    raise IdentityError(
        f"no usable client authentication: the provider offers {', '.join(offered)}; "
        f"configured: {'private key' if has_key else ''}"
        f"{'client secret' if settings.client_secret else ''} or none",
        "client_auth_unsupported",
    )
