"""One simulated browser tab (:class:`Citizen`): its socket, the deltas it keeps, the events
it sends and the round trips it measures, the browsing journeys (home, search, a guide) and
the think times between them (:data:`PACED`)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scripts.loadgen.report import Stats
from scripts.loadgen.wire import (
    COOKIES,
    CUT,
    FROZEN,
    GUIDE_STATE,
    HYDRATE,
    IS_HYDRATED,
    NAMESPACE,
    NOTICE,
    NOTICE_STATE,
    NOTICE_VAR,
    ON_LOAD,
    PAGE_LOAD,
    ROOT_STATE,
    SEARCH_STATE,
    SEARCH_TYPE,
    SESSION_COOKIE,
    SLOW,
    Delta,
    Predicate,
    delta_key,
    has,
    hydrated,
    route,
)

if TYPE_CHECKING:
    from scripts.loadgen.record import FlowRecord


#: ``--think paced``: seconds a citizen spends on each kind of page before the next action
#: (uniform in the range). Reading and typing on a phone, not a tester clicking through.
PACED: dict[str, tuple[float, float]] = {
    "home": (3.0, 10.0),  # glance at the home page, tap the search box or a service
    "search_page": (5.0, 15.0),  # scan the result list
    "guide": (20.0, 60.0),  # read the conditions, the materials list, the fees
    "question": (15.0, 45.0),  # answer the 2-4 questions of one form page
    "check": (10.0, 30.0),  # read the answers back, tick the declaration
    "done": (5.0, 15.0),  # note the application number
}


PACED_NAME = "paced"


@dataclass
class Target:
    url: str
    codes: list[str]
    queries: list[str]
    think: tuple[float, float] = (5.0, 15.0)
    timeout_s: float = 10.0
    #: items with an online form without uploads (:func:`flow_codes`); empty: no flow journeys
    flow_codes: list[str] = field(default_factory=list)
    #: per page kind (:data:`PACED`): think times by page instead of ``think``
    pace: dict[str, tuple[float, float]] | None = None


class Citizen:
    """One browser tab: a session token, a websocket, the state deltas it was sent."""

    def __init__(self, target: Target, stats: Stats, session: Any) -> None:
        import socketio

        self.target = target
        self.stats = stats
        self.token = str(uuid.uuid4())
        self.path = "/"
        self.state: Delta = {}
        self.typed = ""
        # The crowd's connection pool, with a cookie jar of this tab's own, as a browser
        # has: python-engineio moves a connect's Cookie header into its HTTP session's jar,
        # and with one jar for the whole crowd every citizen then sent the session cookie of
        # whoever connected last (uploads went into another citizen's draft, or found none).
        self._pool = session
        self._http: Any = None  # made on first use (inside the event loop)
        self.storage: dict[str, Any] = {}  # cookies, as the browser keeps them
        self.redirects: list[str] = []  # _redirect events the server sent (newest last)
        self.page_loads: list[str] = []  # full page loads it asked for (newest last)
        self.cookie = ""  # the HttpOnly session cookie's value
        self.flow: FlowRecord | None = None
        self.page = "home"  # the kind of page the tab shows (its think time when paced)
        self._stop: asyncio.Event | None = None
        self._retrying: asyncio.Task[None] | None = None
        # the action in flight: its answer's test, and True/False when answered, None if cut off
        self._waiter: tuple[Predicate, asyncio.Future[bool | None]] | None = None
        self._lock = asyncio.Lock()
        self._reconnecting_since: float | None = None
        self.sio = socketio.AsyncClient(
            reconnection=True,
            # python-socketio has no annotations: pyright takes int from the default (1); the
            # delay is seconds, doubled and handed to asyncio.wait_for, a float is meant
            reconnection_delay=0.2,  # pyright: ignore[reportArgumentType]
            reconnection_delay_max=2,
            randomization_factor=0.5,
            handle_sigint=False,
            http_session=None,  # the tab's own (``http``), given at each connect
        )
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        self.sio.on("connect", self._on_connect, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self.sio.on("new_token", self._on_new_token, namespace=NAMESPACE)

    # --- protocol ---------------------------------------------------------------------------

    def _boot(self) -> dict[str, Any]:
        """The CONNECT packet's auth: the hydrate event for the current page (every connect),
        with the browser storage (cookies) the tab holds."""
        payload = {"vars": dict(self.storage)} if self.storage else {}
        return {"event": {"name": HYDRATE, "payload": payload, "router_data": route(self.path)}}

    async def _on_connect(self) -> None:
        if self._reconnecting_since is not None:
            self.stats.reconnects += 1
            self.stats.add("reconnect", (time.monotonic() - self._reconnecting_since) * 1000)
            self._reconnecting_since = None

    async def _on_disconnect(self, *args: Any) -> None:
        self.stats.disconnects += 1
        self._reconnecting_since = time.monotonic()
        # the page shows the connection banner now; the action in flight is not answered on
        # the new socket (the reconnect hydrates the page afresh): it ends here, cut off
        if self._waiter and not self._waiter[1].done():
            self._waiter[1].set_result(None)

    async def _on_new_token(self, token: str) -> None:
        """The server saw this token live on another socket (its duplicate-tab check) and gave
        this tab a new one, with fresh state; state.js switches to it, and so does this."""
        self.stats.new_tokens += 1
        self.token = str(token)

    async def _on_update(self, update: dict[str, Any]) -> None:
        delta: Delta = update.get("delta") or {}
        for name, values in delta.items():
            self.state.setdefault(name, {}).update(values)
        for key in COOKIES:  # the browser stores them (applyClientStorageDelta)
            state, _, var = key.rpartition(".")
            if var in delta.get(state, {}):
                self.storage[key] = delta[state][var]
        for event in update.get("events") or []:
            # Backend events queued for the browser go back to the server; client-side ones
            # (names starting with "_": scripts, storage) have nothing to do here but
            # redirects, which the flow journey follows.
            name = str(event.get("name", ""))
            if name == "_redirect":
                self.redirects.append(str((event.get("payload") or {}).get("path", "")))
            elif name == "_call_script":
                code = str((event.get("payload") or {}).get("javascript_code", ""))
                if found := PAGE_LOAD.search(code):
                    self.page_loads.append(found.group(1))
            elif not name.startswith("_"):
                event.setdefault("router_data", route(self.path))
                await self.sio.emit("event", event, namespace=NAMESPACE)
        # A (re)connect's hydrate carries the whole state (is_hydrated false): it answers no
        # action in flight, whatever it holds.
        rehydrate = delta.get(ROOT_STATE, {}).get(IS_HYDRATED) is False
        if self._waiter and not self._waiter[1].done() and not rehydrate:
            if self._waiter[0](delta):
                self._waiter[1].set_result(True)
            elif delta.get(NOTICE_STATE, {}).get(NOTICE_VAR) == "failed":
                self._waiter[1].set_result(False)  # the page shows the service notice

    async def _round_trip(
        self, kind: str, send: Callable[[], Awaitable[None]], done: Predicate
    ) -> bool:
        # True: answered; False: answered with the service notice; None: cut off by a
        # disconnect (the page showed the connection banner)
        future: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()
        self._waiter = (done, future)
        started = time.monotonic()

        async def send_and_wait() -> bool | None:
            await send()  # a connect's handshake too: it must not wait longer than the answer
            return await future

        try:
            answered = await asyncio.wait_for(send_and_wait(), self.target.timeout_s)
        except (TimeoutError, Exception):
            # With the socket still open the browser shows no connection banner: the page
            # looks frozen. After a disconnect it shows the banner and reconnects.
            slow = self.state.get(NOTICE_STATE, {}).get(NOTICE_VAR) == "slow"
            how = (SLOW if slow else FROZEN) if self.sio.connected else CUT
            self.stats.error(f"{kind}: no answer in {self.target.timeout_s:.0f}s, {how}")
            return False
        finally:
            self._waiter = None
        if answered is None:
            self.stats.error(f"{kind}: {CUT}")
            return False
        if not answered:
            self.stats.error(f"{kind}: {NOTICE}")
            return False
        self.stats.add(kind, (time.monotonic() - started) * 1000)
        return True

    @property
    def http(self) -> Any:
        """This tab's HTTP session: the crowd's connection pool with a cookie jar of its own
        (a fresh jar once closed, as a new tab)."""
        import aiohttp

        if self._http is None or self._http.closed:
            jar = aiohttp.CookieJar(unsafe=True)  # loopback addresses keep cookies too
            if self._pool is None:
                self._http = aiohttp.ClientSession(cookie_jar=jar)
            else:
                self._http = aiohttp.ClientSession(
                    connector=self._pool.connector,
                    connector_owner=False,
                    timeout=self._pool.timeout,
                    cookie_jar=jar,
                )
        return self._http

    async def connect(self, kind: str = "connect+hydrate") -> bool:
        # this tab's session, kept across reconnects: python-engineio closes on disconnect
        # a session it did not get from outside
        self.sio.eio.http, self.sio.eio.external_http = self.http, True

        async def send() -> None:
            await self.sio.connect(
                f"{self.target.url}?token={self.token}",
                socketio_path=NAMESPACE,
                namespaces=[NAMESPACE],
                transports=["websocket"],
                headers={
                    "Origin": self.target.url,
                    **({"Cookie": f"{SESSION_COOKIE}={self.cookie}"} if self.cookie else {}),
                },
                auth=self._boot,
                # seconds for asyncio.wait_for; int only as pyright infers it from the
                # unannotated default (1) of python-socketio
                wait_timeout=self.target.timeout_s,  # pyright: ignore[reportArgumentType]
            )

        ok = await self._round_trip(kind, send, hydrated)
        if ok:
            self.stats.connects += 1
        return ok

    async def reload(self, kind: str, path: str) -> bool:
        """A page load in this tab (a reload, or back from another site): the old page's
        socket closes, the new page connects with the same token and hydrates ``path``."""
        self.sio.reconnection = False
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.sio.disconnect(), 5)
        self.sio.reconnection = True
        self._reconnecting_since = None
        self.path, self.state = path, {}
        if await self.connect(kind):
            return True
        # the page is there but its socket cannot connect yet: socket.io keeps trying
        self._retrying = asyncio.create_task(self._connect_until_closed())
        return False

    async def _connect_until_closed(self) -> None:
        while self.sio.reconnection and not self.sio.connected:
            await asyncio.sleep(random.uniform(0.5, 2.0))
            if self.sio.reconnection and not self.sio.connected:
                await self.connect("reconnect after reload")

    async def event(self, kind: str, name: str, payload: dict[str, Any], done: Predicate) -> bool:
        message = {"name": name, "payload": payload, "router_data": route(self.path)}
        return await self._round_trip(
            kind, lambda: self.sio.emit("event", message, namespace=NAMESPACE), done
        )

    async def navigate(self, kind: str, path: str) -> bool:
        """A client-side navigation: the page's on_load events via on_load_internal."""
        self.path = path
        self.state.setdefault(ROOT_STATE, {})[IS_HYDRATED] = False
        return await self.event(kind, ON_LOAD, {}, hydrated)

    # --- journeys ---------------------------------------------------------------------------

    async def open_home(self) -> None:
        await self.navigate("home", "/")
        self.page = "home"

    async def search(self) -> None:
        query = random.choice(self.target.queries)
        if await self.event(
            "search_type",
            SEARCH_TYPE,
            {"value": query},
            has(SEARCH_STATE, delta_key("suggestions")),
        ):
            self.typed = query
        if await self.navigate("search_page", f"/search?q={urllib.parse.quote(query)}"):
            results = self.state.get(SEARCH_STATE, {}).get(delta_key("results"))
            if not results:
                self.stats.error(f"search_page: no results for a known query ({query})")
        self.page = "search_page"

    async def open_guide(self) -> None:
        code = random.choice(self.target.codes)
        if await self.navigate("guide", f"/item/{urllib.parse.quote(code)}"):
            status = self.state.get(GUIDE_STATE, {}).get(delta_key("status"))
            if status != "found":
                self.stats.error(f"guide: {code} answered {status!r}, not 'found'")
        self.page = "guide"

    def think_s(self, page: str | None = None) -> float:
        """How long the citizen stays on ``page`` (default: the page the tab shows)."""
        if self.target.pace is not None:
            lo, hi = self.target.pace[page or self.page]
        else:
            lo, hi = self.target.think
        return random.uniform(lo, hi)

    async def pause(self, page: str) -> bool:
        """Paced crowds only: the time the citizen spends on ``page`` before acting on it.
        False when the crowd was stopped meanwhile (the journey ends there)."""
        if self.target.pace is None:
            return True
        if self._stop is None:
            await asyncio.sleep(self.think_s(page))
            return True
        try:
            await asyncio.wait_for(self._stop.wait(), self.think_s(page))
            return False
        except TimeoutError:
            return True

    async def live(self, stop: asyncio.Event, act: Callable[[Citizen], Awaitable[None]]) -> None:
        """Think, then ``act`` (one journey step: ``app.crowd.act``), until ``stop``."""
        self._stop = stop
        # a paced crowd joins in the middle of its journeys (steady state from the start):
        # its first action comes after part of a page's time, not all of it
        first = True
        while not stop.is_set():
            wait = self.think_s()
            if first and self.target.pace is not None:
                wait *= random.random()
            first = False
            try:
                await asyncio.wait_for(stop.wait(), wait)
                return
            except TimeoutError:
                pass
            await act(self)

    async def close(self) -> None:
        self.sio.reconnection = False
        if self._retrying is not None:
            self._retrying.cancel()
        with contextlib.suppress(Exception):  # best effort at the end of a run
            await asyncio.wait_for(self.sio.disconnect(), 5)
        if self._http is not None:  # the tab's own jar; the crowd's pool stays open
            await self._http.close()
