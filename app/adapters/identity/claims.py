"""From verified claims to an :class:`~app.domain.identity.Identity`: UserInfo merged into the
ID token's claims (OIDC Core 5.4) and read through the province's :class:`ClaimMapping`."""

from __future__ import annotations

from typing import Any

from app.adapters.identity import IdentityError
from app.adapters.identity.mapping import DEFAULT_MAPPING, ClaimMapping
from app.domain.enums import Audience, AudienceKey
from app.domain.identity import Identity

#: claims about the token itself: the ID token's values stand, UserInfo cannot replace them
PROTOCOL_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nbf", "nonce", "azp", "at_hash", "c_hash", "auth_time"}
    | {"acr", "amr", "sid", "jti", "sub"}
)


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
    kind: AudienceKey
    if kind_value in mapping.business_values:
        kind = Audience.LEGAL_PERSON.key
    elif kind_value in mapping.person_values:
        kind = Audience.PERSON.key
    elif kind_value:
        raise IdentityError(
            f"claim {mapping.account_type!r} is {kind_value!r}; identity.toml knows "
            f"{', '.join(mapping.person_values + mapping.business_values)}",
            "invalid_claims",
        )
    else:
        kind = (Audience.LEGAL_PERSON if uscc else Audience.PERSON).key
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
