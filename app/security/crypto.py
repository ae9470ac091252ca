"""Personal data encrypted at rest: ID numbers, phones and every other answer of a citizen.

The identity of a session (name, ID number, phone) and the answers of drafts and applications
are stored as Fernet tokens (AES-128-CBC + HMAC-SHA256, the ``cryptography`` library) in the
columns typed :class:`EncryptedJSON`; the database and its backups hold no ID number or phone
in clear.

Keys come from configuration:

- ``YIWANG_DATA_KEYS``: comma-separated Fernet keys (``python -m app.security new-key``), the
  first encrypts, all decrypt (``MultiFernet``). Required when ``YIWANG_ENV=production``.
- otherwise ``YIWANG_DATA_KEY_FILE`` (default ``.yiwang-data.key`` in the checkout), created
  owner-only with a fresh key on first use (development and tests).

Rotation: put the new key first (``NEW,OLD``), restart, run ``python -m app.security rotate``
(re-encrypts every row with the new key), then drop the old key.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.security.public_url import is_production

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "gAAAA"  # every Fernet token starts so (version byte 0x80 + timestamp)


class DataKeyError(RuntimeError):
    """The data keys are missing or malformed; the message names the setting."""


def _key_file() -> Path:
    return Path(os.environ.get("YIWANG_DATA_KEY_FILE") or ROOT / ".yiwang-data.key")


def _configured_keys() -> list[str]:
    raw = os.environ.get("YIWANG_DATA_KEYS", "").strip()
    if raw:
        return [k.strip() for k in raw.split(",") if k.strip()]
    if is_production():
        raise DataKeyError("YIWANG_DATA_KEYS is required when YIWANG_ENV=production")
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(Fernet.generate_key().decode() + "\n")
    return [k.strip() for k in path.read_text().replace(",", "\n").split() if k.strip()]


@functools.cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError):
        raise DataKeyError(
            "YIWANG_DATA_KEYS: every key must be a Fernet key (32 url-safe base64 bytes); "
            "make one with `python -m app.security new-key`"
        ) from None


def fernet() -> MultiFernet:
    keys = tuple(_configured_keys())
    if not keys:
        raise DataKeyError("YIWANG_DATA_KEYS is empty")
    return _fernet_for(keys)


def derived_keys(purpose: str) -> list[bytes]:
    """Signing keys for ``purpose`` (e.g. ``"licence-show"``), one per configured data key,
    the first from the key that encrypts: HMAC-SHA256 of the purpose under the key's bytes, so
    a signature never reuses the encryption key itself and rotating the data keys (new key
    first) rotates these too, old signatures still verifying until their key is dropped."""
    import base64
    import hashlib
    import hmac

    found: list[bytes] = []
    for key in _configured_keys():
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except (ValueError, TypeError):
            raise DataKeyError(
                "YIWANG_DATA_KEYS: every key must be a Fernet key (32 url-safe base64 bytes)"
            ) from None
        found.append(hmac.new(raw, b"yiwang:" + purpose.encode(), hashlib.sha256).digest())
    if not found:
        raise DataKeyError("YIWANG_DATA_KEYS is empty")
    return found


def encrypt_json(value: Any) -> str:
    return fernet().encrypt(json.dumps(value, ensure_ascii=False).encode()).decode()


def decrypt_json(token: str) -> Any:
    if not token.startswith(PREFIX):  # written before the encryption migration
        return json.loads(token)
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken:
        raise DataKeyError(
            "a stored value cannot be decrypted with YIWANG_DATA_KEYS "
            "(the key that wrote it was removed before `python -m app.security rotate`)"
        ) from None


def rotate_token(token: str) -> str:
    if not token.startswith(PREFIX):
        return encrypt_json(json.loads(token))
    return fernet().rotate(token.encode()).decode()


class EncryptedJSON(sa.types.TypeDecorator):
    """A JSON value stored as a Fernet token in a text column."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else encrypt_json(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):  # a JSON column not migrated yet
            return value
        return decrypt_json(value)


#: (table, primary key, column) of every encrypted column, for migrations and rotation
ENCRYPTED_COLUMNS = (
    ("flow_session", "id_hash", "identity"),
    ("flow_draft", "id", "values"),
    ("flow_application", "id", "values"),
)


def rotate_all(engine: sa.Engine) -> int:
    """Re-encrypt every encrypted value with the first key; returns the rows rewritten."""
    count = 0
    with engine.begin() as conn:
        for table, key, column in ENCRYPTED_COLUMNS:
            t = sa.table(table, sa.column(key), sa.column(column, sa.Text))
            for pk, value in conn.execute(sa.select(t.c[key], t.c[column])).all():
                if value is None:
                    continue
                conn.execute(
                    sa.update(t).where(t.c[key] == pk).values({column: rotate_token(value)})
                )
                count += 1
    return count
