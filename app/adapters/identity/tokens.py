"""The JOSE side of the OIDC client: the JWS algorithms it accepts, the verification of an ID
token (OIDC Core 3.1.3.7), signed UserInfo (Core 5.3.2) and the ``private_key_jwt`` client
assertion (Core 9). Pure functions over joserfc; ``app.adapters.identity.oidc`` calls them."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwk import KeySet, import_key
from joserfc.jws import JWSRegistry

from app.adapters.identity import IdentityError

LEEWAY_S = 30
#: ID token signature algorithms accepted (what providers publish; never ``none`` or HMAC)
ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA", "Ed25519")


class _Registry(JWSRegistry):
    """The allowed algorithms, without joserfc's warning on ``EdDSA``: RFC 9864 deprecates
    that polymorphic name in favour of ``Ed25519`` (also accepted), but OpenID providers
    publish ``EdDSA`` today (oidc-provider 8 does) and the spec's registry still lists it."""

    def get_alg(self, name: str):
        if name not in self.algorithms or name not in (self.allowed or ()):
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return self.algorithms[name]


REGISTRY = _Registry(algorithms=ALGORITHMS)


def load_client_key(private_key: str) -> Any:
    """The client's private key for ``private_key_jwt`` (a JWK as JSON, or PEM); ``None``
    when none is configured."""
    if not private_key:
        return None
    try:
        text = private_key.strip()
        data: Any = json.loads(text) if text.startswith("{") else text
        return import_key(data)
    except (ValueError, JoseError) as exc:
        raise IdentityError(
            f"YIWANG_OIDC_PRIVATE_KEY_FILE is not a private JWK or PEM key: {exc}",
            "bad_configuration",
        ) from exc


def client_assertion(key: Any, client_id: str, token_endpoint: str) -> str:
    """A signed JWT that authenticates ``client_id`` at ``token_endpoint`` for 60 s."""
    alg = {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}.get(key.key_type, "RS256")
    if key.key_type == "EC" and getattr(key, "curve_name", "P-256") != "P-256":
        raise IdentityError("private_key_jwt: only EC keys on P-256 are supported")
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 60,
    }
    header = {"alg": alg, **({"kid": key.kid} if key.kid else {})}
    return jwt.encode(header, claims, key, registry=REGISTRY)


def verify_id_token(
    raw: str, keys: KeySet | None, issuer: str, client_id: str, nonce: str
) -> dict[str, Any]:
    """The verified claims of the ID token (Core 3.1.3.7), else :class:`IdentityError`."""
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_S,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    if keys is None:
        raise IdentityError("no JWKS yet (discovery not fetched)", "invalid_id_token")
    try:
        token = jwt.decode(raw, keys, registry=REGISTRY)
        claims = dict(token.claims)
        registry.validate(claims)
    except (JoseError, ValueError) as exc:
        raise IdentityError(f"the ID token is not valid: {exc}", "invalid_id_token") from exc
    if not isinstance(claims.get("iat"), int | float) or claims["iat"] > time.time() + LEEWAY_S:
        raise IdentityError("the ID token is not valid: iat is in the future", "invalid_id_token")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise IdentityError(
            f"the ID token is not valid: azp {azp!r} is not this client "
            f"({len(audiences)} audiences)",
            "invalid_id_token",
        )
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise IdentityError("the ID token is not valid: empty sub", "invalid_id_token")
    return claims


def signed_userinfo(text: str, keys: KeySet | None, issuer: str) -> dict[str, Any]:
    """The claims of a signed UserInfo response (``application/jwt``); ``ValueError`` or
    ``JoseError`` when it is not signed by this issuer's keys."""
    if keys is None:
        raise ValueError("no JWKS yet (discovery not fetched)")
    body = dict(jwt.decode(text.strip(), keys, registry=REGISTRY).claims)
    if body.get("iss", issuer) != issuer:
        raise ValueError("signed UserInfo from another issuer")
    return body
