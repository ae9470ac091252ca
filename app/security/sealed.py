"""The flow's states sealed at rest: what a citizen typed or was shown, encrypted.

A flow state holds answers (ID numbers, phones, addresses), the account's shown values and
the login in progress; the state manager pickles it into ``.states/*.pkl`` (embedded) or
Redis (scaled). :func:`seal` replaces a state's own fields in that pickle by one Fernet token
(the keys of ``app.security.crypto``); :func:`unseal` restores them when the state is loaded.
Reflex internals (router data without the cookie, the parent link) stay as they are. A state
sealed with a key that is gone loads with its defaults (the citizen signs in again; drafts
are in the database).
"""

from __future__ import annotations

import logging
import pickle
from typing import Any

from cryptography.fernet import InvalidToken

from app.security.crypto import fernet

SEALED_KEY = "_yiwang_sealed"
logger = logging.getLogger("yiwang.security")


def seal(cls: type, fields: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``fields`` (a state's pickle dict) with the class's own fields encrypted."""
    own = {name for name, f in cls.__fields__.items() if getattr(f, "_owner", None) is cls}
    secret = {name: fields[name] for name in own if name in fields}
    if not secret:
        return fields
    rest = {k: v for k, v in fields.items() if k not in secret}
    rest[SEALED_KEY] = fernet().encrypt(pickle.dumps(secret, protocol=pickle.HIGHEST_PROTOCOL))
    return rest


def unseal(state: dict[str, Any]) -> dict[str, Any]:
    token = state.pop(SEALED_KEY, None)
    if token is None:
        return state
    try:
        # authenticated by the HMAC of our own key before anything is unpickled
        state.update(pickle.loads(fernet().decrypt(token)))
    except InvalidToken:
        logger.warning("a stored state was sealed with a key that is gone: defaults loaded")
    return state
