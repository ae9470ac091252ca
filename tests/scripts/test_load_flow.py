"""The load generator's flow journey helpers: what it sends and how it reads answers
(no server needed; the journey itself runs in make faults)."""

from __future__ import annotations

import asyncio

from scripts import load
from scripts.loadgen.citizen import PACED, Citizen, Target
from scripts.loadgen.crowd import Crowd
from scripts.loadgen.data import flow_codes
from scripts.loadgen.record import FLOW_BASIC_CODES, UPLOAD_PNG, VALID_ID_NUMBER, answers_for
from scripts.loadgen.report import Stats, summarize
from scripts.loadgen.wire import (
    APPLY_STATE,
    CHECKOUT_STATE,
    COOKIES,
    CUT,
    FLOW_AUTH_STATE,
    FROZEN,
    IS_HYDRATED,
    NOTICE_STATE,
    NOTICE_VAR,
    ROOT_STATE,
    delta_key,
    hydrated,
    key,
    route,
)


def test_state_names_match_the_app() -> None:
    from app.state.flow import ApplyState
    from app.state.flow_auth import FlowAuthState
    from app.state.notice import NoticeState

    assert ApplyState.get_full_name() == APPLY_STATE
    assert FlowAuthState.get_full_name() == FLOW_AUTH_STATE
    assert NoticeState.get_full_name() == NOTICE_STATE
    assert NOTICE_VAR.removesuffix("_rx_state_") in NoticeState.__fields__
    assert "sid" not in FlowAuthState.__fields__  # the session cookie is HttpOnly, not state
    assert COOKIES == ()
    # a var's key in a delta is read off the state class's var too
    assert delta_key("stage") == key(ApplyState.stage) == "stage_rx_state_"


def test_the_apply_route_carries_its_code() -> None:
    assert route("/apply/0090-37?start=1")["query"] == {"code": "0090-37", "start": "1"}


def test_answers_fill_what_the_page_shows_and_keep_what_is_there() -> None:
    fields = [
        {"name": "name", "kind": "text", "value": "张*", "locked": True},
        {"name": "phone", "kind": "phone", "value": "13900000000"},
        {"name": "marital", "kind": "radio", "value": "", "options": [{"value": "single"}]},
        {"name": "rental", "kind": "address", "value": "", "detail": "",
         "options": [{"value": "370102000000"}, {"value": "370103000000"}]},
        {"name": "since", "kind": "date", "value": ""},
        {"name": "spouse_id", "kind": "id_number", "value": ""},
        {"name": "account", "kind": "text", "value": "", "max_length": 19},
        {"name": "docs", "kind": "checkbox", "value": "", "options": [{"value": "a"}]},
        {"name": "photo", "kind": "file", "value": ""},
    ]  # fmt: skip
    answers = answers_for(fields, 42)
    assert "name" not in answers and "photo" not in answers
    assert answers["phone"] == "13900000000"
    assert answers["marital"] == "single"
    assert answers["rental"] == "370102000000"
    assert answers["rental.detail"].startswith("文化东路42号")
    assert answers["since"] == "2024-03-01"
    assert answers["spouse_id"] == VALID_ID_NUMBER
    assert answers["account"] == "6222000000000000042"
    assert answers["docs::a"] == "on"
    from app.domain.codes import validate_id_number

    validate_id_number(VALID_ID_NUMBER)


def test_updates_follow_redirects_and_page_loads_and_notice_is_not_an_answer() -> None:
    async def main() -> None:
        citizen = Citizen(Target("http://127.0.0.1:1", [], []), Stats(), None)
        go = 'window.location.replace("/flow/session?ticket=t&next=%2Fme")'
        await citizen._on_update(
            {
                "delta": {},
                "events": [
                    {"name": "_redirect", "payload": {"path": "http://127.0.0.1:2/a"}},
                    {"name": "_call_script", "payload": {"javascript_code": go}},
                ],
            }
        )
        assert citizen.storage == {}
        assert citizen.redirects == ["http://127.0.0.1:2/a"]
        assert citizen.page_loads == ["/flow/session?ticket=t&next=%2Fme"]
        assert citizen._boot()["event"]["payload"] == {}

        future = asyncio.get_running_loop().create_future()
        citizen._waiter = (hydrated, future)
        await citizen._on_update({"delta": {NOTICE_STATE: {NOTICE_VAR: "slow"}}})
        assert not future.done()  # still working on it: not an answer
        await citizen._on_update({"delta": {NOTICE_STATE: {NOTICE_VAR: "failed"}}})
        assert future.result() is False
        future = asyncio.get_running_loop().create_future()
        citizen._waiter = (hydrated, future)
        await citizen._on_update({"delta": {ROOT_STATE: {IS_HYDRATED: True}}})
        assert future.result() is True

    asyncio.run(main())


def test_flow_codes_include_a_hand_written_and_a_derived_form() -> None:
    """A person's forms: one hand-written extending the derived one, one derived from the
    catalogue (the journey uploads the materials of both); the upload is a PNG the server's
    checks accept."""
    from app.catalogue.queries import get_item
    from app.flow import files
    from app.flow.forms import form_for_item

    codes = flow_codes()
    assert codes and all(c.startswith(FLOW_BASIC_CODES) for c in codes)
    origins = set()
    for code in codes:
        form = form_for_item(get_item(code))
        assert form is not None and form.audience == "个人"
        origins.add(form.origin)
    assert origins == {"extended", "derived"}
    assert files.check("material.png", UPLOAD_PNG)[0] == "image/png"


def test_an_action_cut_off_by_a_disconnect_ends_then_and_is_not_a_frozen_page() -> None:
    async def main() -> None:
        stats = Stats()
        citizen = Citizen(Target("http://127.0.0.1:1", [], [], timeout_s=5), stats, None)

        async def send_then_drop() -> None:
            await citizen._on_disconnect()  # the worker died with the socket: banner shown

        started = asyncio.get_running_loop().time()
        assert await citizen._round_trip("submit", send_then_drop, hydrated) is False
        assert asyncio.get_running_loop().time() - started < 1  # not the 5 s timeout
        assert dict(stats.errors) == {f"submit: {CUT}": 1}
        assert FROZEN not in CUT

    asyncio.run(main())


def test_paced_think_times_follow_the_page_the_citizen_is_on() -> None:
    assert load.parse_think("paced") is None
    assert load.parse_think("5,15") == (5.0, 15.0)
    citizen = Citizen(Target("http://127.0.0.1:1", [], [], pace=PACED), Stats(), None)
    for page, (lo, hi) in PACED.items():
        citizen.page = page
        waits = [citizen.think_s() for _ in range(200)]
        assert lo <= min(waits) and max(waits) <= hi
        assert max(waits) - min(waits) > (hi - lo) / 2  # spread over the range
    busy = Citizen(Target("http://127.0.0.1:1", [], [], think=(1, 2)), Stats(), None)
    busy.page = "guide"
    assert all(1 <= busy.think_s() <= 2 for _ in range(50))  # busy: one range for every page


def test_a_paced_pause_ends_when_the_crowd_stops() -> None:
    async def main() -> None:
        paced = Citizen(Target("http://127.0.0.1:1", [], [], pace=PACED), Stats(), None)
        paced._stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, paced._stop.set)
        started = loop.time()
        assert await paced.pause("guide") is False  # 20-60 s cut short: the journey ends
        assert loop.time() - started < 1
        busy = Citizen(Target("http://127.0.0.1:1", [], []), Stats(), None)
        assert await busy.pause("question") is True  # busy crowds do not pause in a form

    asyncio.run(main())


def test_a_citizen_acts_only_once_its_page_has_loaded(monkeypatch) -> None:
    """A paced citizen's first action may be due at once; it must not go out while the
    connect's hydrate is still on its way (it would take that answer for its own)."""
    events: list[tuple[int, str]] = []

    async def slow_connect(self, kind: str = "connect+hydrate") -> bool:
        events.append((id(self), "connect sent"))
        await asyncio.sleep(0.2)
        events.append((id(self), "hydrated"))
        return True

    async def act(self) -> None:
        events.append((id(self), "act"))

    monkeypatch.setattr(Citizen, "connect", slow_connect)
    from scripts.loadgen import crowd as journeys

    monkeypatch.setattr(journeys, "act", act)  # the step Crowd gives each citizen

    async def main() -> None:
        pace = {**PACED, "home": (0.0, 0.001)}
        crowd = Crowd(Target("http://127.0.0.1:1", [], [], pace=pace))
        await crowd.grow(3, rate=1000)
        await asyncio.sleep(0.05)
        crowd.stop.set()
        await asyncio.gather(*crowd.tasks, return_exceptions=True)
        await crowd._session.close()  # nothing was connected: no sockets to close

    asyncio.run(main())
    citizens = {who for who, _ in events}
    assert len(citizens) == 3
    for who in citizens:
        mine = [what for w, what in events if w == who]
        assert "act" in mine
        assert mine.index("hydrated") < mine.index("act")  # its page loaded, then it acted


def test_the_checkout_state_and_route_match_the_app() -> None:
    from app.state.checkout import CheckoutState

    assert CheckoutState.get_full_name() == CHECKOUT_STATE
    for var in ("stage", "application_number", "notice", "errors"):
        assert var in CheckoutState.__fields__
    assert route("/checkout/0060-37?order=YWP1")["query"] == {
        "code": "0060-37",
        "order": "YWP1",
    }


def test_payment_journeys_are_kept_apart_from_the_event_p95() -> None:
    import time

    stats = Stats()
    stats.add("search_type", 10.0)
    stats.add_journey("payment", 900.0)
    summary = summarize(stats, time.monotonic() - 5, time.monotonic() + 1)
    assert summary["events"] == 1 and summary["p95_ms"] == 10.0
    assert summary["journeys"]["payment"]["n"] == 1
    assert summary["journeys"]["payment"]["p95_ms"] == 900.0
