"""Security audit log (等保 2.0 level 3): one JSON line per security event.

Events: ``login``, ``login_failed`` (with a ``reason`` code), ``logout``, ``idle_expiry``,
``reveal`` (a masked ID number or phone shown in full), ``cross_citizen_access`` (an attempt
to open another citizen's record), ``login_refused`` (the login lacks what the started
application needs), ``licence_show`` (亮证: a citizen made a verification code for one of
their e-licences, ``detail`` the code's id; ``denied`` with ``not_holder`` for a licence that
is not theirs) and ``licence_verify`` (a verifier opened a code: ``reason`` ``valid``,
``expired`` or ``forged``, ``detail`` the code's id when it is ours). Every line has ``time``
(UTC, ISO 8601), ``event``, ``subject`` (a keyed hash of the identity provider's ``sub``,
never the sub itself), ``client`` (address), ``request_id``, ``outcome`` (``success`` /
``failure`` / ``denied``) and may have ``reason`` and ``detail`` (short codes and names,
never values).

The operator names the file with ``YIWANG_AUDIT_LOG`` (appended to; rotate it with
logrotate's ``copytruncate`` or by renaming: the file is reopened for every line).
``YIWANG_AUDIT_KEY`` keys the subject hash (HMAC-SHA256) so that the log does not let anyone
recompute who a line is about from a known subject; without it a plain SHA-256 is used.
Without ``YIWANG_AUDIT_LOG`` the lines go to the ``yiwang.audit`` logger (standard error
under ``reflex run``). Nothing secret is written: no tokens, codes, cookies, secrets, ID
numbers or phone numbers — :func:`record` refuses detail values that look like them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

Event = Literal[
    "login",
    "login_failed",
    "login_refused",
    "logout",
    "idle_expiry",
    "reveal",
    "cross_citizen_access",
    "licence_show",
    "licence_verify",
]
Outcome = Literal["success", "failure", "denied"]

logger = logging.getLogger("yiwang.audit")
_lock = threading.Lock()
#: anything that could be an ID number, phone, USCC or token: refused in ``detail``/``reason``
_SENSITIVE = re.compile(r"\d{6,}|[a-z0-9]{20,}")
_CODE = re.compile(r"^[a-z0-9_.:,\-]{0,80}$")


def subject_hash(sub: str) -> str:
    """A stable pseudonym for ``sub`` (keyed with ``YIWANG_AUDIT_KEY`` when set)."""
    if not sub:
        return ""
    key = os.environ.get("YIWANG_AUDIT_KEY", "")
    if key:
        return hmac.new(key.encode(), sub.encode(), hashlib.sha256).hexdigest()[:32]
    return hashlib.sha256(sub.encode()).hexdigest()[:32]


def log_path() -> Path | None:
    value = os.environ.get("YIWANG_AUDIT_LOG", "").strip()
    return Path(value).expanduser() if value else None


def _code(value: str, what: str) -> str:
    if not _CODE.match(value) or _SENSITIVE.search(value):
        raise ValueError(f"audit {what} must be a short code, got {value[:12]!r}…")
    return value


def record(
    event: Event,
    outcome: Outcome,
    *,
    sub: str = "",
    client: str = "",
    request_id: str = "",
    reason: str = "",
    detail: str = "",
) -> dict[str, str]:
    """Write one line; return it (as written). ``reason`` and ``detail`` are short codes."""
    line = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": event,
        "subject": subject_hash(sub),
        "client": client[:64],
        "request_id": re.sub(r"[^A-Za-z0-9_.\-]", "", request_id)[:64] or uuid.uuid4().hex,
        "outcome": outcome,
    }
    if reason:
        line["reason"] = _code(reason, "reason")
    if detail:
        line["detail"] = _code(detail, "detail")
    text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
    path = log_path()
    if path is None:
        logger.warning("%s", text)
        return line
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (text + "\n").encode())
        finally:
            os.close(fd)
    return line


def request_context(router) -> tuple[str, str]:
    """(client address, request id) of a Reflex event: the request id is the
    ``X-Request-ID`` a proxy in front set on the connection, else a new one."""
    try:
        client = router.session.client_ip or ""
        raw = dict(router.headers.raw_headers)
    except AttributeError:
        return "", uuid.uuid4().hex
    request_id = re.sub(r"[^A-Za-z0-9_.\-]", "", raw.get("x-request-id", ""))[:64]
    return client, request_id or uuid.uuid4().hex
