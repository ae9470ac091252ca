"""亮证: showing one electronic licence to a verifier (a clerk, a hotel desk, a police officer).

The citizen's page shows the licence with a short-lived verification code, also as a QR code
of the verification URL (``/licence/verify?code=…``). The verifier opens that URL (no login)
and reads, in plain words, whether the code is valid, expired or forged, and only what a
verifier needs: the licence type, the masked holder, the issuer and date, and until when the
code holds. Nothing else of the licence (no full ID number, no title naming other people)
is in the code.

A code is ``v1.<payload>.<signature>``: the payload is the compact JSON of :class:`Shown`
(base64url), the signature HMAC-SHA256 over ``v1.<payload>`` with a key derived from the
app's data keys (``app.security.crypto.derived_keys``), so only this deployment can make
one, a changed byte makes it forged, and rotating the data keys rotates the signing key (old
codes verify until their key is dropped; they expire within minutes anyway). Codes are not
stored: one is valid until its ``expires`` time, for ``YIWANG_LICENCE_CODE_TTL_S`` seconds
(default 180, 30 to 600).

Plain Python, no Reflex: the licences journey (``app/journeys/licences.py``) uses it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal
from urllib.parse import urlencode

from app.adapters.elicence import Licence
from app.adapters.identity import mask_id_number, mask_uscc
from app.domain.codes import validate_id_number
from app.security.crypto import derived_keys

VERSION = "v1"
PURPOSE = "licence-show"
VERIFY_PATH = "/licence/verify"
TTL_SETTING = "YIWANG_LICENCE_CODE_TTL_S"
DEFAULT_TTL_S = 180
MIN_TTL_S, MAX_TTL_S = 30, 600
#: the code's identifier: lowercase letters only, so it can go into the audit log as is
CODE_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz"
CODE_ID_LENGTH = 10
_CODE_ID = re.compile(f"^[{CODE_ID_ALPHABET}]{{{CODE_ID_LENGTH}}}$")
#: a code longer than this is refused unread (a QR code of the URL stays scannable far below)
MAX_CODE_CHARS = 2048

Status = Literal["valid", "expired", "forged"]


class SettingError(ValueError):
    """A setting of this module is wrong; the message names the variable and the fix."""


def ttl_seconds(env: Mapping[str, str] | None = None) -> int:
    """How long a code is valid (``YIWANG_LICENCE_CODE_TTL_S``, default 180 s)."""
    env = os.environ if env is None else env
    raw = env.get(TTL_SETTING, "").strip()
    if not raw:
        return DEFAULT_TTL_S
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{TTL_SETTING}={raw!r}: write a whole number of seconds") from None
    if not MIN_TTL_S <= value <= MAX_TTL_S:
        raise SettingError(
            f"{TTL_SETTING}={value}: a code must be valid {MIN_TTL_S} to {MAX_TTL_S} seconds"
        )
    return value


# -- masking ---------------------------------------------------------------------------------
def mask_name(name: str) -> str:
    """A person's name with the first character shown (``张*``, ``欧**``); an organisation's
    name (longer than 6) keeps its first two and last four (``济南******有限公司``)."""
    v = name.strip()
    if len(v) <= 1:
        return "*" * len(v)
    if len(v) > 6:
        return v[:2] + "*" * (len(v) - 6) + v[-4:]
    return v[0] + "*" * (len(v) - 1)


def mask_holder(holder: str) -> str:
    """The holder's ID number or unified social credit code, masked as elsewhere in the app."""
    v = holder.strip().upper()
    try:
        validate_id_number(v)
    except ValueError:
        return mask_uscc(v) if len(v) == 18 else mask_id_number(v)
    return mask_id_number(v)


def mask_number(number: str) -> str:
    """A licence number with at least half of it masked: a quarter (at most four characters)
    shown at each end (``Q3******56``, ``鲁(20*****************456号``)."""
    v = number.strip()
    keep = min(4, len(v) // 4)
    if keep == 0:
        return "*" * len(v)
    return v[:keep] + "*" * (len(v) - 2 * keep) + v[-keep:]


# -- the code --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shown:
    """What a code carries: everything a verifier sees, already masked."""

    licence_id: str
    kind: str
    holder_name: str
    holder_number: str
    number: str
    issuer: str
    issued: str
    #: when the code was made and until when it is valid (seconds since the epoch, UTC)
    at: int
    expires: int
    code_id: str

    def to_dict(self) -> dict[str, str | int]:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    status: Status
    #: the code's content when it is ours (valid or expired); None when forged
    shown: Shown | None = None

    @property
    def code_id(self) -> str:
        return self.shown.code_id if self.shown else ""


def new_code_id() -> str:
    return "".join(secrets.choice(CODE_ID_ALPHABET) for _ in range(CODE_ID_LENGTH))


def _keys(keys: Sequence[bytes] | None) -> Sequence[bytes]:
    if keys is not None:
        return keys
    return derived_keys(PURPOSE)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, signed: str) -> str:
    return _b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())


def issue(
    licence: Licence,
    holder_name: str,
    *,
    now: float,
    ttl: int,
    keys: Sequence[bytes] | None = None,
) -> tuple[str, Shown]:
    """A signed code for ``licence`` shown by its holder ``holder_name`` (the signed-in
    citizen, or the organisation of a business account), valid ``ttl`` seconds from ``now``."""
    if not MIN_TTL_S <= ttl <= MAX_TTL_S:
        raise SettingError(f"{TTL_SETTING}: a code must be valid {MIN_TTL_S} to {MAX_TTL_S} s")
    at = int(now)
    shown = Shown(
        licence_id=licence.id,
        kind=licence.kind,
        holder_name=mask_name(holder_name),
        holder_number=mask_holder(licence.holder),
        number=mask_number(licence.number),
        issuer=licence.issuer,
        issued=licence.issued,
        at=at,
        expires=at + ttl,
        code_id=new_code_id(),
    )
    payload = json.dumps(shown.to_dict(), ensure_ascii=False, separators=(",", ":"))
    signed = f"{VERSION}.{_b64(payload.encode())}"
    return f"{signed}.{_signature(_keys(keys)[0], signed)}", shown


def verify(code: str, *, now: float, keys: Sequence[bytes] | None = None) -> Verdict:
    """Whether ``code`` is one of ours (else forged) and still within its time (else expired)."""
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_CHARS or code.count(".") != 2:
        return Verdict("forged")
    version, payload, signature = code.split(".")
    if version != VERSION:
        return Verdict("forged")
    signed = f"{version}.{payload}"
    if not any(hmac.compare_digest(_signature(k, signed), signature) for k in _keys(keys)):
        return Verdict("forged")
    try:
        data = json.loads(_unb64(payload))
        shown = Shown(**{name: data[name] for name in Shown.__dataclass_fields__})
    except (binascii.Error, ValueError, KeyError, TypeError):
        return Verdict("forged")  # signed by us but not a code we make: never trust it
    times_ok = isinstance(shown.at, int) and isinstance(shown.expires, int)
    if not times_ok or not 0 < shown.expires - shown.at <= MAX_TTL_S:
        return Verdict("forged")
    if not _CODE_ID.match(str(shown.code_id)):
        return Verdict("forged")
    if now >= shown.expires:
        return Verdict("expired", shown)
    return Verdict("valid", shown)


def verify_url(public_url: str, code: str) -> str:
    """The URL the QR code holds: the verification page of the host's public URL."""
    return public_url.rstrip("/") + VERIFY_PATH + "?" + urlencode({"code": code})


def qr_svg(text: str) -> str:
    """``text`` as a QR code (error correction M), an inline ``<svg>`` without colours of its
    own: the page's stylesheet draws its modules (``.yw-qr__modules``) with a token. Hidden
    from assistive technology: the page gives the text alternative next to it."""
    import segno

    svg = segno.make(text, error="m").svg_inline(
        dark="#000", light=None, omitsize=True, svgclass="yw-qr", lineclass="yw-qr__modules"
    )
    svg = re.sub(r'\s(?:stroke|fill)="[^"]*"', "", svg)
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
