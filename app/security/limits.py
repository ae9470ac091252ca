"""Abuse limits on Reflex's websocket, and arguments checked before any handler sees them.

Reflex 0.10 processes every event a socket sends and accepts every connection and every new
client token: one client could send events without pause, open sockets and tokens without end
(300 tokens made 1,200 state files), and a forged argument (``1e309`` for an ``int``, a dict for
a ``str``) reached the handler, which raised (a traceback and a service notice per event); a
lone surrogate in a string dropped the socket when the state was sent back.

:func:`install` (a private hook on the ``EventNamespace``, checked against this Reflex version):

- **events per socket**: a token bucket per socket, ``YIWANG_EVENTS_PER_SECOND`` (default 20)
  with bursts of twice that; an event over the limit is dropped and the page shows the
  translated "too many actions" notice (``components.connection_status``, ``"limited"``);
- **new sockets and new tokens per address**: ``YIWANG_SOCKETS_PER_MINUTE`` (default 300) and
  ``YIWANG_TOKENS_PER_MINUTE`` (default 150) per client address (Reflex's, so behind nginx
  the ``X-Forwarded-For`` of ``REFLEX_TRUSTED_PROXY_HOPS``); over them the connection is
  refused and the page shows its lost-connection banner until it reconnects. Generous because
  a carrier's NAT puts many citizens behind one address; ``0`` turns a limit off (load tests);
- **arguments**: every argument is checked against the handler's annotation (``int`` within
  ±2^53, finite ``float``, ``str`` up to 100,000 characters, ``bool``, ``list``, ``dict``);
  unknown arguments, wrong types and out-of-range numbers are refused with the "failed" notice;
  lone surrogates in strings become U+FFFD;
- every refusal logs one line of at most :data:`LOG_LIMIT` characters, never a traceback, a
  client token or the payload.
"""

from __future__ import annotations

import collections
import json
import logging
import math
import os
import re
import time
import typing
from dataclasses import dataclass, field
from typing import Any

from app.resilience import notice

logger = logging.getLogger("yiwang.security")

LOG_LIMIT = 200
MAX_STRING = 100_000
MAX_INT = 2**53
_SURROGATE = re.compile("[\ud800-\udfff]")


def _setting(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must be 0 (off) or more, got {raw!r}")
    return value


def log_refusal(reason: str, **fields: object) -> None:
    """One bounded line: the reason and short fields (never a payload or a client token)."""
    detail = " ".join(f"{k}={str(v)[:40]}" for k, v in fields.items())
    logger.warning(f"refused: {reason} {detail}"[:LOG_LIMIT])


# -- rates ------------------------------------------------------------------------------------
@dataclass
class Bucket:
    rate: float
    burst: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if self.tokens < 0:
            self.tokens = self.burst
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class PerMinute:
    """At most ``limit`` events per key in any 60 seconds (``limit`` 0: no limit)."""

    def __init__(self, limit: int, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.max_keys = max_keys
        self._seen: dict[str, collections.deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        if self.limit <= 0:
            return True
        now = time.monotonic() if now is None else now
        recent = self._seen.setdefault(key, collections.deque())
        while recent and now - recent[0] > 60:
            recent.popleft()
        if len(recent) >= self.limit:
            return False
        recent.append(now)
        if len(self._seen) > self.max_keys:
            for stale in [k for k, v in self._seen.items() if not v or now - v[-1] > 60]:
                del self._seen[stale]
        return True


# -- arguments -------------------------------------------------------------------------------
class BadArgument(ValueError):
    """An event argument the handler cannot take; the message names it (no value)."""


def clean_strings(value: Any) -> Any:
    """Lone surrogates (which cannot be encoded back to the page) become U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [clean_strings(v) for v in value]
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    return value


def check_argument(name: str, value: Any, hint: Any) -> None:
    """Raise :class:`BadArgument` when ``value`` cannot be the ``hint`` the handler declares."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or type(hint).__name__ == "UnionType":
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return
        errors = 0
        for option in (o for o in options if o is not type(None)):
            try:
                check_argument(name, value, option)
                return
            except BadArgument:
                errors += 1
        if errors:
            raise BadArgument(f"{name}: not any of {hint}")
        return
    if hint is bool:
        if not isinstance(value, bool):
            raise BadArgument(f"{name}: expected a boolean")
    elif hint is int:
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,16}", value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_INT:
            raise BadArgument(f"{name}: expected an integer within ±2^53")
    elif hint is float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise BadArgument(f"{name}: expected a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadArgument(f"{name}: expected a number")
        if not math.isfinite(value):
            raise BadArgument(f"{name}: expected a finite number")
    elif hint is str:
        if not isinstance(value, str):
            raise BadArgument(f"{name}: expected text")
        if len(value) > MAX_STRING:
            raise BadArgument(f"{name}: text longer than {MAX_STRING} characters")
    elif (hint is list or origin is list) and not isinstance(value, list):
        raise BadArgument(f"{name}: expected a list")
    elif (hint is dict or origin is dict) and not isinstance(value, dict):
        raise BadArgument(f"{name}: expected a mapping")


def check_payload(handler: Any, payload: Any) -> dict[str, Any]:
    """The payload with cleaned strings, or :class:`BadArgument` (a Reflex ``EventHandler``)."""
    import inspect

    if not isinstance(payload, dict):
        raise BadArgument("payload: expected a mapping")
    try:
        hints = handler._get_type_hints()
        params = inspect.signature(inspect.unwrap(handler.fn)).parameters
    except Exception:  # an unannotatable handler: only the strings are cleaned
        return clean_strings(payload)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for key, value in payload.items():
        if key not in params and not takes_any:
            raise BadArgument(f"{str(key)[:30]}: not an argument of this action")
        if key in hints:
            check_argument(key, value, hints[key])
    return clean_strings(payload)


# -- the hook --------------------------------------------------------------------------------
@dataclass
class Limits:
    events_per_second: float
    sockets: PerMinute
    tokens: PerMinute
    buckets: dict[str, Bucket] = field(default_factory=dict)
    known_tokens: collections.OrderedDict[str, None] = field(
        default_factory=collections.OrderedDict
    )

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            _setting("YIWANG_EVENTS_PER_SECOND", 20),
            PerMinute(int(_setting("YIWANG_SOCKETS_PER_MINUTE", 300))),
            PerMinute(int(_setting("YIWANG_TOKENS_PER_MINUTE", 150))),
        )

    def event_allowed(self, sid: str) -> bool:
        if self.events_per_second <= 0:
            return True
        bucket = self.buckets.get(sid)
        if bucket is None:
            bucket = self.buckets[sid] = Bucket(self.events_per_second, 2 * self.events_per_second)
        return bucket.take()

    def connection_allowed(self, address: str, token: str) -> str | None:
        """``None`` or why the connection is refused."""
        if not self.sockets.allow(address):
            return "sockets per minute"
        if token and token not in self.known_tokens:
            if not self.tokens.allow(address):
                return "new tokens per minute"
            self.known_tokens[token] = None
            while len(self.known_tokens) > 200_000:
                self.known_tokens.popitem(last=False)
        elif token:
            self.known_tokens.move_to_end(token)
        return None


def _address(environ: dict) -> str:
    from reflex.config import get_config

    scope = environ.get("asgi.scope", {})
    client = scope.get("client") or (environ.get("REMOTE_ADDR", "?"),)
    address = str(client[0])
    hops = get_config().trusted_proxy_hops
    if hops:
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        forwarded = [
            ip.strip() for ip in headers.get("x-forwarded-for", "").split(",") if ip.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address


def _handler_for(namespace: Any, name: str) -> Any:
    root = getattr(namespace.app, "_state", None)
    if root is None or "." not in name:
        return None
    path, _, handler_name = name.rpartition(".")
    try:
        state = root.get_class_substate(path)
    except ValueError:
        return None
    return state.event_handlers.get(handler_name)


def install(namespace: Any) -> Limits:
    """Wrap the namespace's ``on_connect`` and ``on_event`` with the limits above."""
    from socketio.exceptions import ConnectionRefusedError as Refused

    on_connect = getattr(namespace, "on_connect", None)
    on_event = getattr(namespace, "on_event", None)
    if on_connect is None or on_event is None or not hasattr(namespace, "sid_to_token"):
        raise RuntimeError(
            "app.security.limits: Reflex's EventNamespace has no on_connect/on_event/"
            "sid_to_token (Reflex upgraded?): the abuse limits would be off"
        )
    existing = getattr(on_event, "_yiwang_limits", None)
    if existing is not None:
        return existing
    limits = Limits.from_env()

    async def limited_connect(sid: str, environ: dict, auth: Any = None) -> Any:
        from urllib.parse import parse_qs

        address = _address(environ)
        token = (parse_qs(environ.get("QUERY_STRING", "")).get("token") or [""])[0]
        if reason := limits.connection_allowed(address, token):
            log_refusal(reason, address=address)
            raise Refused("too many connections from this address; try again in a minute")
        return await on_connect(sid, environ, auth)

    async def limited_event(sid: str, data: Any) -> Any:
        if not limits.event_allowed(sid):
            log_refusal("events per second", socket=sid[:8])
            await _notice(namespace, sid, "limited")
            return None
        try:
            fields = json.loads(data) if isinstance(data, str) else data
            if not isinstance(fields, dict) or not isinstance(fields.get("name"), str):
                raise BadArgument("event: not a named event")
            handler = _handler_for(namespace, fields["name"])
            if handler is not None:
                fields = {**fields, "payload": check_payload(handler, fields.get("payload", {}))}
        except (BadArgument, ValueError, RecursionError) as exc:
            log_refusal("bad event", socket=sid[:8], why=str(exc)[:80])
            await _notice(namespace, sid, "failed")
            return None
        return await on_event(sid, fields)

    on_disconnect = namespace.on_disconnect

    def disconnect_and_forget(sid: str) -> Any:
        limits.buckets.pop(sid, None)
        return on_disconnect(sid)

    limited_event._yiwang_limits = limits  # type: ignore[attr-defined]
    namespace.on_connect = limited_connect
    namespace.on_event = limited_event
    namespace.on_disconnect = disconnect_and_forget
    return limits


async def _notice(namespace: Any, sid: str, kind: str) -> None:
    """The translated banner on the page of this socket (see ``app.resilience.notice``)."""
    token = namespace.sid_to_token.get(sid)
    if not token:
        return
    from reflex.state import StateUpdate

    notice.SHOWN[token] = kind
    try:
        await namespace.emit_update(StateUpdate(delta=notice.notice_delta(kind)), token)
    except Exception:  # the socket is gone: nothing to tell
        notice.SHOWN.pop(token, None)
