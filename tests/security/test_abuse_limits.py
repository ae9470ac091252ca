"""Abuse through the websocket (issue 19, cases 5 and 6): floods of events, sockets and
tokens from one address; forged handler arguments; a lone surrogate; unbounded log lines."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any

import pytest
import reflex as rx

# every state of the app, so that the fuzz below reaches every handler
import app.state.flow
import app.state.flow_me
import app.state.guide
import app.state.items
import app.state.search
import app.state.services  # noqa: F401
from app.resilience import notice
from app.security import limits
from app.state.notice import NoticeState


@pytest.fixture(autouse=True)
def notice_state() -> None:
    notice.install(NoticeState.get_full_name())  # what app/app.py does at start-up


class FakeApp:
    _state = rx.State


class Namespace:
    """What the hook needs of Reflex's EventNamespace, recording what gets through."""

    def __init__(self) -> None:
        self.app = FakeApp()
        self.sid_to_token: dict[str, str] = {"sock": "token-1234567890"}
        self.events: list[Any] = []
        self.connected: list[str] = []
        self.updates: list[Any] = []

    async def on_connect(self, sid: str, environ: dict, auth: Any = None) -> None:
        self.connected.append(sid)

    async def on_event(self, sid: str, data: Any) -> None:
        self.events.append(data)

    def on_disconnect(self, sid: str) -> None:
        return None

    async def emit_update(self, update: Any, token: str) -> None:
        self.updates.append((update.delta, token))


def _event(handler: str, payload: dict) -> dict:
    return {"name": handler, "payload": payload, "router_data": {}, "token": "token-1234567890"}


def _name(state: type, handler: str) -> str:
    return f"{state.get_full_name()}.{handler}"


def test_an_event_flood_is_cut_to_the_socket_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIWANG_EVENTS_PER_SECOND", "20")
    ns = Namespace()
    limits.install(ns)
    from app.state.search import SearchState

    name = next(iter(SearchState.event_handlers))

    async def flood() -> None:
        for _ in range(500):
            await ns.on_event("sock", _event(_name(SearchState, name), {}))

    asyncio.run(flood())
    assert 40 <= len(ns.events) <= 60  # the burst, plus what refilled meanwhile
    notices = [delta for delta, _ in ns.updates]
    assert notices and all("limited" in json.dumps(d) for d in notices)


def test_sockets_and_new_tokens_per_address_are_limited(monkeypatch) -> None:
    from socketio.exceptions import ConnectionRefusedError

    monkeypatch.setenv("YIWANG_SOCKETS_PER_MINUTE", "10")
    monkeypatch.setenv("YIWANG_TOKENS_PER_MINUTE", "5")
    ns = Namespace()
    limits.install(ns)

    def environ(token: str, address: str = "203.0.113.7") -> dict:
        return {"QUERY_STRING": f"token={token}", "asgi.scope": {"client": (address, 1)}}

    async def connect_all() -> tuple[int, int]:
        refused = 0
        for i in range(8):  # eight new tabs: five new tokens get through
            try:
                await ns.on_connect(f"s{i}", environ(f"new-{i}"))
            except ConnectionRefusedError:
                refused += 1
        # a known tab reconnecting is no new token, but still a socket
        for i in range(4):
            try:
                await ns.on_connect(f"r{i}", environ("new-0"))
            except ConnectionRefusedError:
                refused += 1
        return len(ns.connected), refused

    connected, refused = asyncio.run(connect_all())
    # every attempt counts as a socket: 8 + 2 reach the limit of 10
    assert connected == 5 + 2 and refused == 3 + 2
    # another address is not affected
    asyncio.run(ns.on_connect("other", environ("t-x", "198.51.100.1")))
    assert "other" in ns.connected


def _bad_values(hint: Any) -> list[Any]:
    """Values of the wrong kind for a parameter annotated ``hint``."""
    values: list[Any] = [["list"], float("inf")]
    if hint is not dict:
        values.append({"$": "object"})
    if hint is int or hint == int | None:
        values += [1e309, 2**70, "12abc", 3.5, True]
    if hint is str:
        values += [12, None]
    if hint is dict:
        values += ["text", 5]
    return values


def _annotated_handlers() -> list[tuple[str, str, Any, Any]]:
    found = []

    def walk(state: type) -> None:
        for name, handler in state.event_handlers.items():
            try:
                hints = handler._get_type_hints()
            except Exception:
                continue
            params = inspect.signature(inspect.unwrap(handler.fn)).parameters
            for param in params:
                if param in hints and hints[param] in (int, str, dict, float, bool):
                    found.append((state.get_full_name(), name, param, hints[param]))
        for sub in state.get_substates():
            walk(sub)

    walk(rx.State)
    return found


HANDLERS = _annotated_handlers()


def test_the_fuzz_reaches_the_flow_handlers() -> None:
    names = {f"{s.rsplit('.', 1)[-1]}.{h}" for s, h, _, _ in HANDLERS}
    assert any("delete_draft" in n for n in names)
    assert len(HANDLERS) >= 5


@pytest.mark.parametrize(("state", "handler", "param", "hint"), HANDLERS)
def test_forged_arguments_are_refused_before_the_handler(state, handler, param, hint) -> None:
    ns = Namespace()
    limits.install(ns)
    for value in _bad_values(hint):
        asyncio.run(ns.on_event("sock", _event(f"{state}.{handler}", {param: value})))
    assert ns.events == []  # nothing reached the handler
    assert all("failed" in json.dumps(delta) for delta, _ in ns.updates)


def test_unknown_arguments_are_refused() -> None:
    from app.state.flow_me import FlowMeState

    ns = Namespace()
    limits.install(ns)
    asyncio.run(ns.on_event("sock", _event(_name(FlowMeState, "delete_draft"), {"x": 1})))
    assert ns.events == []


def test_good_arguments_pass_and_lone_surrogates_are_replaced() -> None:
    from app.state.flow_me import FlowMeState
    from app.state.search import SearchState

    ns = Namespace()
    limits.install(ns)
    setter = "type"  # the search box, as the citizen types
    asyncio.run(ns.on_event("sock", _event(_name(FlowMeState, "delete_draft"), {"draft_id": 7})))
    handler = SearchState.event_handlers[setter]
    param = next(p for p in inspect.signature(inspect.unwrap(handler.fn)).parameters if p != "self")
    asyncio.run(ns.on_event("sock", _event(_name(SearchState, setter), {param: "户口\ud800"})))
    assert len(ns.events) == 2
    assert ns.events[0]["payload"] == {"draft_id": 7}
    assert ns.events[1]["payload"][param] == "户口\ufffd"
    json.dumps(ns.events[1]).encode()  # encodable again: the socket is not dropped


def test_a_refused_event_logs_one_short_line(caplog: pytest.LogCaptureFixture) -> None:
    from app.state.flow_me import FlowMeState

    ns = Namespace()
    limits.install(ns)
    garbage = {"draft_id": "x" * 5000}
    with caplog.at_level(logging.WARNING, logger="yiwang.security"):
        asyncio.run(ns.on_event("sock", _event(_name(FlowMeState, "delete_draft"), garbage)))
        asyncio.run(ns.on_event("sock", "{not json"))
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    for line in lines:
        assert len(line) <= limits.LOG_LIMIT and "\n" not in line
        assert "token-1234567890" not in line and "xxxxxxxx" not in line
    assert all(r.exc_info is None for r in caplog.records)


def test_client_tokens_and_secrets_never_reach_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from app.security import logs

    logs.install()
    token = "6d1c8e0e-0c1b-4b55-9a55-3f1d2d7d9a11"
    with caplog.at_level(logging.WARNING):
        logging.getLogger("reflex").warning(f"Received event from session s with token {token}")
        logging.getLogger("x").warning("cookie %s", "yw_locale=en; yw_sid=AbC-123_secret")
        try:
            raise ValueError(f"Failed to deserialize event data: {{'token': '{token}'}}")
        except ValueError:
            logging.getLogger("reflex").exception("event failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert token not in text and "AbC-123_secret" not in text
    assert "<token>" in text and "yw_sid=<secret>" in text
