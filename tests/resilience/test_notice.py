"""An action the server cannot process shows the "failed" notice, one it is slow to process the
"slow" notice; the notice goes when the action is processed or with the next answer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from reflex.istate.manager.memory import StateManagerMemory
from reflex.state import StateUpdate
from reflex_base.event.context import EventContext

from app.resilience import notice
from app.state.notice import NoticeState

STATE = NoticeState.get_full_name()
VAR = "service_notice_rx_state_"


@pytest.fixture(autouse=True)
def clean() -> None:
    notice.install(STATE)  # what app/app.py does at start-up
    notice.SHOWN.clear()
    notice._SLOW_PENDING.clear()


def test_the_notice_delta_names_the_state_var_the_page_reads() -> None:
    assert notice.notice_delta("failed") == {STATE: {VAR: "failed"}}
    assert VAR.removesuffix("_rx_state_") in NoticeState.__fields__


def test_an_exception_shows_the_failed_notice_on_that_tab(caplog) -> None:
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
    assert sent == [("tab-1", {STATE: {VAR: "failed"}})]
    assert notice.SHOWN == {"tab-1": "failed"}
    assert "Error 111 connecting" in caplog.text


def test_outside_an_event_it_only_logs(caplog) -> None:
    async def main() -> None:
        assert notice.backend_exception_handler(RuntimeError("no event")) is None

    asyncio.run(main())
    assert "no event" in caplog.text and not notice.SHOWN


class Namespace:
    """Reflex's event namespace as the notice uses it: emit_update, on_event, app."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []
        self.futures: list[asyncio.Future] = []
        self.app = self
        self._event_processor = self

    async def emit_update(self, update: StateUpdate, token: str) -> None:
        self.sent.append((token, dict(update.delta)))

    async def enqueue(self, token: str, event: Any, ev_ctx: Any = None) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.futures.append(future)
        return future

    async def on_event(self, sid: str, data: Any) -> None:
        await self._event_processor.enqueue(f"token-of-{sid}", data)


def test_the_next_update_with_a_delta_clears_it() -> None:
    namespace = Namespace()
    notice.clear_with_next_update(namespace)
    notice.clear_with_next_update(namespace)  # once only
    other = {"reflex___state____state.x": {"a_rx_state_": 1}}

    async def main() -> None:
        notice.SHOWN["tab-2"] = "failed"
        await namespace.emit_update(StateUpdate(events=[]), "tab-2")  # no delta: stays
        assert "tab-2" in notice.SHOWN
        await namespace.emit_update(StateUpdate(delta=other), "tab-3")  # another tab
        await namespace.emit_update(StateUpdate(delta=other), "tab-2")
        await namespace.emit_update(StateUpdate(delta=other), "tab-2")
        notice.SHOWN["tab-2"] = "failed"
        await namespace.emit_update(StateUpdate(delta={STATE: {VAR: ""}}), "tab-2")

    asyncio.run(main())
    assert namespace.sent == [
        ("tab-2", {}),
        ("tab-3", other),
        ("tab-2", {**other, STATE: {VAR: ""}}),
        ("tab-2", other),
        ("tab-2", {STATE: {VAR: ""}}),  # a hydrate's full state already clears it
    ]
    assert not notice.SHOWN


def test_an_action_not_processed_in_time_shows_slow_until_it_is(monkeypatch) -> None:
    monkeypatch.setattr(notice, "SLOW_S", 0.05)
    namespace = Namespace()
    notice.clear_with_next_update(namespace)
    notice.watch_slow_events(namespace)

    async def main() -> None:
        await namespace.on_event("sid-1", {"name": "quick"})
        namespace.futures[-1].set_result(None)  # processed in time: nothing shown
        await asyncio.sleep(0.1)
        assert namespace.sent == []
        await namespace.on_event("sid-1", {"name": "slow"})
        await asyncio.sleep(0.1)
        assert namespace.sent == [("token-of-sid-1", {STATE: {VAR: "slow"}})]
        assert notice.SHOWN == {"token-of-sid-1": "slow"}
        namespace.futures[-1].set_result(None)
        await asyncio.sleep(0.01)
        assert namespace.sent[-1] == ("token-of-sid-1", {STATE: {VAR: ""}})
        assert not notice.SHOWN
        # slow, then failed: the failed notice stays after the action ends
        await namespace.on_event("sid-1", {"name": "fails"})
        await asyncio.sleep(0.1)
        notice.SHOWN["token-of-sid-1"] = "failed"
        namespace.futures[-1].set_exception(ConnectionError("redis"))
        await asyncio.sleep(0.01)
        assert isinstance(namespace.futures[-1].exception(), ConnectionError)
        assert namespace.sent[-1] == ("token-of-sid-1", {STATE: {VAR: "slow"}})
        assert notice.SHOWN == {"token-of-sid-1": "failed"}
        # a new action that is slow: the page says so instead of the earlier "failed"
        await namespace.on_event("sid-1", {"name": "slow again"})
        await asyncio.sleep(0.1)
        assert namespace.sent[-1] == ("token-of-sid-1", {STATE: {VAR: "slow"}})
        assert notice.SHOWN == {"token-of-sid-1": "slow"}
        namespace.futures[-1].set_result(None)
        await asyncio.sleep(0.01)
        assert namespace.sent[-1] == ("token-of-sid-1", {STATE: {VAR: ""}})

    asyncio.run(main())
