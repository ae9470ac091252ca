"""Who signed in, as the identity provider vouches for it, and the eligibility rule of an
account (:meth:`Identity.missing`). Defined here, below every layer that uses it; the identity
adapter (``app.adapters.identity``) makes these from the provider's claims."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from app.domain.enums import Audience, AudienceKey

#: Real-name levels of the national identity platform: 1 = name and ID number checked,
#: 2 = plus a verified phone or bank card, 3 = plus face verification (实人). An identity whose
#: provider sent no (or no known) assurance level has level 0 and is refused every application.
REAL_NAME_LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class Identity:
    """Who signed in, as the identity provider vouches for it."""

    sub: str
    name: str
    id_number: str
    phone: str
    level: int
    #: the account's audience by its English key (person: 个人, business: 法人)
    kind: AudienceKey = "person"
    org_name: str = ""
    uscc: str = ""
    issuer: str = ""
    #: the raw ID token, kept server-side for RP-initiated logout (``id_token_hint``); never
    #: shown, logged or sent anywhere but to the provider's end_session_endpoint
    id_token: str = field(default="", repr=False)

    @property
    def audience(self) -> Audience:
        """Whom this account applies as: 个人 or 法人."""
        return Audience.from_key(self.kind)

    def missing(self, audience: str = Audience.PERSON, min_level: int = 1) -> list[str]:
        """What this login lacks for an application by ``audience`` (个人/法人) that needs
        ``min_level``: ``name``, ``id_number``, ``uscc``, ``org_name``, ``level``."""
        lacks = [] if self.name.strip() else ["name"]
        if audience == Audience.LEGAL_PERSON:
            lacks += [k for k in ("uscc", "org_name") if not getattr(self, k).strip()]
        elif not self.id_number.strip():
            lacks.append("id_number")
        if self.level < min_level:
            lacks.append("level")
        return lacks

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Identity:
        # the stored dict is this class's own to_dict(), each value of its field's type; to
        # pyright they are only objects
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})  # type: ignore[arg-type]
