"""The load generator's protocol helpers and bounds (no server needed)."""

from __future__ import annotations

import time

import pytest

from scripts import load
from scripts.loadgen.data import search_queries
from scripts.loadgen.report import Stats, summarize
from scripts.loadgen.wire import (
    IS_HYDRATED,
    ROOT_STATE,
    SEARCH_STATE,
    LoadError,
    ensure_loopback,
    has,
    hydrated,
    route,
)


def test_route_carries_query_and_dynamic_param_like_state_js() -> None:
    assert route("/") == {"pathname": "/", "asPath": "/"}
    search = route("/search?q=%E7%A4%BE%E4%BF%9D&audience=个人")
    assert search["pathname"] == "/search"
    assert search["query"] == {"q": "社保", "audience": "个人"}
    guide = route("/item/0120-37-X")
    assert guide == {"pathname": "/item/0120-37-X", "asPath": "/item/0120-37-X",
                     "query": {"code": "0120-37-X"}}  # fmt: skip


@pytest.mark.parametrize("url", ["http://10.1.2.3:3000", "http://192.168.0.1", "http://8.8.8.8"])
def test_only_loopback_is_loaded(url: str) -> None:
    with pytest.raises(LoadError, match="not a loopback address"):
        ensure_loopback(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:3000", "http://localhost:3000"])
def test_loopback_is_accepted(url: str) -> None:
    ensure_loopback(url)


def test_bad_arguments_are_refused_with_their_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert load.main(["--clients", "0"]) == 2
    assert "--clients 0" in capsys.readouterr().err
    assert load.main(["--duration", "99999"]) == 2
    assert "--duration 99999" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        load.main(["--think", "9,1"])
    assert "--think '9,1'" in capsys.readouterr().err


def test_hydrated_and_has_read_the_delta() -> None:
    assert hydrated({ROOT_STATE: {IS_HYDRATED: True}})
    assert not hydrated({ROOT_STATE: {IS_HYDRATED: False}})
    assert not hydrated({})
    done = has(SEARCH_STATE, "suggestions_rx_state_")
    assert done({SEARCH_STATE: {"suggestions_rx_state_": []}})
    assert not done({SEARCH_STATE: {"typed_rx_state_": "x"}})


def test_summary_counts_only_the_window() -> None:
    stats = Stats()
    start = time.monotonic()
    for ms in range(1, 101):
        stats.add("search_type", float(ms))
    time.sleep(0.01)
    middle = time.monotonic()
    time.sleep(0.01)
    stats.add("guide", 500.0)
    summary = summarize(stats, start, middle)
    assert summary["events"] == 100
    assert summary["kinds"]["search_type"]["p50_ms"] == pytest.approx(50.5)
    assert summary["p95_ms"] == pytest.approx(95.05, abs=0.06)  # rounded to 0.1 ms
    assert summary["kinds"]["guide"]["n"] == 0
    later = summarize(stats, middle, time.monotonic())
    assert later["events"] == 1 and later["p95_ms"] == 500.0


def test_search_queries_come_from_the_labelled_set() -> None:
    queries = search_queries()
    assert "居民身份证换领" in queries
    assert "公共租赁住房申请" not in queries  # a sichuan-only answer


def test_citizens_of_one_crowd_keep_their_own_cookies() -> None:
    # python-engineio moves a connect's Cookie header into its HTTP session's jar: with one
    # jar for the crowd, every citizen sent the session cookie of whoever connected last
    import asyncio

    import aiohttp
    from aiohttp import web

    from scripts.loadgen.citizen import Citizen, Target

    async def set_cookie(request: web.Request) -> web.Response:
        response = web.Response(text="set")
        response.set_cookie("yw_session", request.query["v"], httponly=True)
        return response

    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=request.headers.get("Cookie", ""))

    async def run() -> tuple[str, str, str]:
        app = web.Application()
        app.add_routes([web.get("/set", set_cookie), web.get("/echo", echo)])
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        url = f"http://127.0.0.1:{port}"
        crowd = aiohttp.ClientSession()
        try:
            target = Target(url, [], [])
            a, b = Citizen(target, Stats(), crowd), Citizen(target, Stats(), crowd)
            await (await a.http.get(f"{url}/set?v=citizen-a")).read()
            # what python-engineio does with b's connect header, in the session b's connect
            # hands it
            b.sio.eio.http = b.http
            b.sio.eio.http.cookie_jar.update_cookies({"yw_session": "citizen-b"})
            seen_a = await (await a.http.get(f"{url}/echo")).text()
            seen_b = await (await b.http.get(f"{url}/echo")).text()
            await a.close()
            await b.close()
            seen_crowd = await (await crowd.get(f"{url}/echo")).text()
            return seen_a, seen_b, seen_crowd
        finally:
            await crowd.close()
            await runner.cleanup()

    seen_a, seen_b, seen_crowd = asyncio.run(run())
    assert seen_a == "yw_session=citizen-a"
    assert seen_b == "yw_session=citizen-b"
    assert seen_crowd == ""  # the crowd's pool outlives its citizens, with no cookies of theirs
