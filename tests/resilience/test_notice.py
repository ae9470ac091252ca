"""An action the server cannot process shows the service notice; the next answer clears it."""

from __future__ import annotations

import asyncio
from typing import Any

from reflex.istate.manager.memory import StateManagerMemory
from reflex.state import StateUpdate
from reflex_base.event.context import EventContext

from app.resilience import notice
from app.state.notice import NoticeState

STATE = NoticeState.get_full_name()
VAR = "service_trouble_rx_state_"


def test_the_notice_delta_names_the_state_var_the_page_reads() -> None:
    assert notice.notice_delta(True) == {STATE: {VAR: True}}
    assert VAR.removesuffix("_rx_state_") in NoticeState.__fields__


def test_an_exception_shows_the_notice_on_that_tab(caplog) -> None:
    sent: list[tuple[str, Any]] = []

    async def emit_delta(token: str, delta: Any) -> None:
        sent.append((token, delta))

    async def enqueue(*args: Any) -> None:
        raise AssertionError("nothing is enqueued")

    async def main() -> None:
        EventContext.set(
            EventContext(
                token="tab-1",
                state_manager=StateManagerMemory(),
                enqueue_impl=enqueue,
                emit_delta_impl=emit_delta,
            )
        )
        try:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")
        except ConnectionError as exc:
            assert notice.backend_exception_handler(exc) is None
        await asyncio.sleep(0.01)

    asyncio.run(main())
    assert sent == [("tab-1", {STATE: {VAR: True}})]
    assert "tab-1" in notice.NOTICED
    assert "Error 111 connecting" in caplog.text
    notice.NOTICED.discard("tab-1")


def test_outside_an_event_it_only_logs(caplog) -> None:
    async def main() -> None:
        assert notice.backend_exception_handler(RuntimeError("no event")) is None

    asyncio.run(main())
    assert "no event" in caplog.text


class Namespace:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def emit_update(self, update: StateUpdate, token: str) -> None:
        self.sent.append((token, dict(update.delta)))


def test_the_next_update_with_a_delta_clears_it() -> None:
    namespace = Namespace()
    notice.clear_with_next_update(namespace)
    notice.clear_with_next_update(namespace)  # once only
    other = {"reflex___state____state.x": {"a_rx_state_": 1}}

    async def main() -> None:
        notice.NOTICED.add("tab-2")
        await namespace.emit_update(StateUpdate(events=[]), "tab-2")  # no delta: stays
        assert "tab-2" in notice.NOTICED
        await namespace.emit_update(StateUpdate(delta=other), "tab-3")  # another tab
        await namespace.emit_update(StateUpdate(delta=other), "tab-2")
        await namespace.emit_update(StateUpdate(delta=other), "tab-2")
        notice.NOTICED.add("tab-2")
        await namespace.emit_update(StateUpdate(delta={STATE: {VAR: False}}), "tab-2")

    asyncio.run(main())
    assert namespace.sent == [
        ("tab-2", {}),
        ("tab-3", other),
        ("tab-2", {**other, STATE: {VAR: False}}),
        ("tab-2", other),
        ("tab-2", {STATE: {VAR: False}}),  # a hydrate's full state already clears it
    ]
    assert "tab-2" not in notice.NOTICED
