"""Simulated citizens speaking Reflex's websocket event protocol (socket.io over websocket).

    python scripts/load.py --url http://127.0.0.1:3000 --clients 500 --duration 60

Each citizen is what a browser tab does, without the browser: it connects to ``/_event`` with
its session token in the query string and the hydrate event (``State.hydrate_and_load`` with
the page's router data) in the socket.io CONNECT packet, as ``.web/utils/state.js`` does; it
keeps the state deltas it receives; it sends events as ``{"name", "payload", "router_data"}``
on the ``event`` channel and sends back the events the server returns for the browser to
queue. The round trip of an action is the time from sending its event to the delta that
completes it (``is_hydrated`` back to true after a navigation, the suggestions after typing).

Journeys, after a think time: open home (navigate to ``/``), search
(``SearchState.type`` with a query, then ``/search?q=`` whose on_load runs
``SearchState.load``), open a guide (``/item/<code>`` whose on_load runs ``GuideState.load``,
codes read from the catalogue). Answers are checked: a guide must be found, a known query must
have results. Drafts and submission (:func:`flow_journey`): a citizen signs in through the
identity provider the app is configured with (the sandbox on loopback), starts an application
for a hand-written form without uploads or a form derived from the catalogue (its materials
uploaded through ``/flow/files``), answers its question pages (every step saves the draft),
leaves the draft for later or submits it; what was acknowledged is kept on the citizen
(:class:`FlowRecord`) for the fault checks.

Think time (``--think``), two models:

- ``paced`` (the default): a citizen stays on each page as long as using it takes, uniform
  in the ranges of :data:`PACED` (a search result list is scanned in 5-15 s, a guide's
  conditions and materials read in 20-60 s, a question page of 2-4 answers typed on a phone
  in 15-45 s, the check page read and the declaration ticked in 10-30 s). Every question page
  of the form waits its time before it is sent, so a journey through a form takes minutes,
  as it does for a citizen.
- ``MIN,MAX`` (e.g. ``5,15``): uniform between actions, and a form's pages are sent back to
  back: a crowd far busier than citizens are, for stress and for the fault scripts.

An action the server could not process is answered with the service notice (the page shows
the banner): counted as an error of its own, never as an answer; one still without an answer
when the timeout ends is told apart by whether the page showed the "still working" notice.

Bounded: loopback URLs only, at most ``MAX_CLIENTS`` citizens and ``MAX_DURATION_S`` seconds;
everything stops by itself. asyncio in one process (about 1 ms of its CPU per action).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import random
import re
import socket
import statistics
import sys
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
MAX_CLIENTS = 20_000
MAX_DURATION_S = 3_600


def _wire_names() -> dict[str, str]:
    """Reflex's wire names of the states this client talks to, from the state classes
    themselves (``get_full_name``): a renamed or moved state changes them here too."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from reflex.state import OnLoadInternalState, State

    from app.state.checkout import CheckoutState
    from app.state.flow import ApplyState
    from app.state.flow_auth import FlowAuthState
    from app.state.guide import GuideState
    from app.state.notice import NoticeState
    from app.state.search import SearchState

    return {
        "root": State.get_full_name(),
        "on_load": f"{OnLoadInternalState.get_full_name()}.on_load_internal",
        "search": SearchState.get_full_name(),
        "guide": GuideState.get_full_name(),
        "flow_auth": FlowAuthState.get_full_name(),
        "apply": ApplyState.get_full_name(),
        "checkout": CheckoutState.get_full_name(),
        "notice": NoticeState.get_full_name(),
        # the flow's states (module app.state.flow*) share this prefix in their names
        "flow_mark": ApplyState.get_name().split("____")[0],
    }


_NAMES = _wire_names()
ROOT_STATE = _NAMES["root"]
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = _NAMES["on_load"]
SEARCH_STATE = _NAMES["search"]
GUIDE_STATE = _NAMES["guide"]
SEARCH_TYPE = f"{SEARCH_STATE}.type"
IS_HYDRATED = "is_hydrated_rx_state_"
# state.js connects io("<origin>/_event", {path: "/_event"}): the URL's path is the socket.io
# namespace, and the engine.io path is the same.
NAMESPACE = "/_event"
# The application flow's states show up in the hydrate delta under names containing this.
FLOW_STATE_MARK = _NAMES["flow_mark"]
FROZEN = "socket open (frozen page, no banner)"
FLOW_AUTH_STATE = _NAMES["flow_auth"]
APPLY_STATE = _NAMES["apply"]
CHECKOUT_STATE = _NAMES["checkout"]
# Set by the server on the page (outside the state manager) when it could not process an event.
NOTICE_STATE = _NAMES["notice"]
NOTICE_VAR = "service_notice_rx_state_"
NOTICE = "answered with the service notice (banner shown)"
SLOW = "socket open, the page showed the 'still working' notice"
CUT = "cut off by a disconnect (connection banner shown)"
# Browser storage kept in state vars (state.js sends it with every hydrate): none any more.
# The session cookie is HttpOnly, set by GET /flow/session (app/security/session_cookie.py);
# the citizen sends it in the Cookie header of its socket, as a browser does.
COOKIES: tuple[str, ...] = ()
SESSION_COOKIE = "yw_sid"
#: a full page load the server asks for (rx.call_script, app/state/flow_auth.py ``_go``)
_PAGE_LOAD = re.compile(r'window\.location\.replace\("([^"]+)"\)')

Delta = dict[str, dict[str, Any]]
T = TypeVar("T")
Predicate = Callable[[Delta], bool]


class LoadError(Exception):
    """A bad argument to the load generator (the message names it)."""


def ensure_loopback(url: str) -> None:
    """Refuse anything but loopback: this tool must never load someone else's server."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise LoadError(f"--url {url}: cannot resolve {host!r}") from exc
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise LoadError(f"--url {url}: {host} is not a loopback address (loopback only)")


def route(path: str) -> dict[str, Any]:
    """router_data as state.js builds it for a page URL (query string and route params)."""
    parts = urllib.parse.urlsplit(path)
    data: dict[str, Any] = {"pathname": parts.path, "asPath": path}
    query = dict(urllib.parse.parse_qsl(parts.query))
    for dynamic in (
        "/item/",
        "/apply/",
        "/checkout/",
    ):  # the [code] param, as react-router passes it
        if parts.path.startswith(dynamic):
            query["code"] = urllib.parse.unquote(parts.path.removeprefix(dynamic))
    if query:
        data["query"] = query
    return data


def hydrated(delta: Delta) -> bool:
    return delta.get(ROOT_STATE, {}).get(IS_HYDRATED) is True


def has(state: str, var: str) -> Predicate:
    return lambda delta: var in delta.get(state, {})


@dataclass
class Stats:
    """Round trips (ms) per action kind with their end times, plus counted errors."""

    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    connects: int = 0
    reconnects: int = 0
    disconnects: int = 0
    new_tokens: int = 0
    #: whole journeys of several round trips (``payment``: tap 去支付 .. the receipt shown),
    #: kept apart from the per-event samples and their p95
    journeys: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def add_journey(self, kind: str, ms: float) -> None:
        self.journeys.setdefault(kind, []).append((time.monotonic(), ms))

    def add(self, kind: str, ms: float) -> None:
        self.samples.setdefault(kind, []).append((time.monotonic(), ms))

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def window(self, since: float, until: float | None = None) -> dict[str, list[float]]:
        until = until or float("inf")
        return {k: [ms for t, ms in v if since <= t <= until] for k, v in self.samples.items()}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summarize(stats: Stats, since: float, until: float) -> dict[str, Any]:
    """p50/p95/p99 per kind and over all events in [since, until], events per second."""
    window = stats.window(since, until)
    everything = [ms for v in window.values() for ms in v]
    seconds = max(until - since, 1e-9)
    out: dict[str, Any] = {
        "events": len(everything),
        "events_per_s": round(len(everything) / seconds, 1),
        "p50_ms": round(percentile(everything, 50), 1),
        "p95_ms": round(percentile(everything, 95), 1),
        "p99_ms": round(percentile(everything, 99), 1),
        "errors": dict(stats.errors),
        "kinds": {},
    }
    for kind, values in sorted(window.items()):
        out["kinds"][kind] = {
            "n": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
        }
    out["journeys"] = {}
    for kind, samples in sorted(stats.journeys.items()):
        values = [ms for t, ms in samples if since <= t <= until]
        out["journeys"][kind] = {
            "n": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
        }
    return out


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
        self.http = session
        self.storage: dict[str, Any] = {}  # cookies, as the browser keeps them
        self.redirects: list[str] = []  # _redirect events the server sent (newest last)
        self.page_loads: list[str] = []  # full page loads it asked for (newest last)
        self.cookie = ""  # the HttpOnly session cookie's value
        self.flow: FlowRecord | None = None
        self.page = "home"  # the kind of page the tab shows (its think time when paced)
        self._stop: asyncio.Event | None = None
        self._retrying: asyncio.Task[None] | None = None
        self._waiter: tuple[Predicate, asyncio.Future[bool]] | None = None
        self._lock = asyncio.Lock()
        self._reconnecting_since: float | None = None
        self.sio = socketio.AsyncClient(
            reconnection=True,
            reconnection_delay=0.2,
            reconnection_delay_max=2,
            randomization_factor=0.5,
            handle_sigint=False,
            http_session=session,
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
                if found := _PAGE_LOAD.search(code):
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

    async def connect(self, kind: str = "connect+hydrate") -> bool:
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
                wait_timeout=self.target.timeout_s,
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
            "search_type", SEARCH_TYPE, {"value": query}, has(SEARCH_STATE, "suggestions_rx_state_")
        ):
            self.typed = query
        if await self.navigate("search_page", f"/search?q={urllib.parse.quote(query)}"):
            results = self.state.get(SEARCH_STATE, {}).get("results_rx_state_")
            if not results:
                self.stats.error(f"search_page: no results for a known query ({query})")
        self.page = "search_page"

    async def open_guide(self) -> None:
        code = random.choice(self.target.codes)
        if await self.navigate("guide", f"/item/{urllib.parse.quote(code)}"):
            status = self.state.get(GUIDE_STATE, {}).get("status_rx_state_")
            if status != "found":
                self.stats.error(f"guide: {code} answered {status!r}, not 'found'")
        self.page = "guide"

    async def act(self) -> None:
        """One journey step, chosen like a citizen would (search most, then guides, home)."""
        async with self._lock:
            if not self.sio.connected:
                return
            roll = random.random()
            if roll < 0.5:
                await self.search()
            elif roll < 0.85:
                await self.open_guide()
            elif self.flow_available and roll < 0.95:
                await flow_journey(self)
            else:
                await self.open_home()

    @property
    def flow_available(self) -> bool:
        """The app has the flow and this run names online forms to fill in."""
        return bool(self.target.flow_codes) and any(FLOW_STATE_MARK in n for n in self.state)

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

    async def live(self, stop: asyncio.Event) -> None:
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
            await self.act()

    async def close(self) -> None:
        self.sio.reconnection = False
        if self._retrying is not None:
            self._retrying.cancel()
        with contextlib.suppress(Exception):  # best effort at the end of a run
            await asyncio.wait_for(self.sio.disconnect(), 5)


@dataclass
class FlowRecord:
    """What one simulated citizen did in the application flow, as the page acknowledged it."""

    sub: str  # its own synthetic account at the sandbox identity provider
    item_code: str
    signed_in: bool = False
    #: the draft as last acknowledged: the answers sent and the step the page moved on to
    draft: dict[str, str] | None = None
    draft_step: int = 0
    #: the current draft's idempotency key (the page keeps one per draft: retries reuse it)
    key: str = ""
    #: acknowledged submissions: key -> (application number, answers sent)
    submitted: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    #: submits without an answer (made or not; never twice): key -> answers sent. The next
    #: journey settles them: the draft still there is submitted again with the same key.
    unconfirmed: dict[str, dict[str, str]] = field(default_factory=dict)
    #: unconfirmed submits whose draft was gone afterwards: they must have been made
    must_exist: dict[str, dict[str, str]] = field(default_factory=dict)
    #: acknowledged drafts that were gone without any submit (losses the journey saw)
    lost: list[str] = field(default_factory=list)
    #: a checkout (``/checkout/<code>``) waiting for its payment, with the submit's key and
    #: answers; the next journey pays it first (the cashier was away, or the tab was cut off)
    checkout: str = ""
    checkout_key: str = ""
    checkout_sent: dict[str, str] = field(default_factory=dict)
    #: application numbers paid through the cashier
    paid: list[str] = field(default_factory=list)
    #: stop at the pay page (``make faults``: the citizen taps 去支付 during the outage)
    hold_payment: bool = False


#: the loopback sandbox identity provider signs in any ``sbx-load-*`` subject as a citizen
#: of its own (app/adapters/sandbox_idp/accounts.py)
SYNTHETIC_PREFIX = "sbx-load-"

#: the forms the flow journey fills in: a hand-written one without uploads, and one derived
#: from the catalogue (无犯罪记录证明: a situation question and uploads of its materials)
#: and 机动车驾驶证期满换证 (¥10 paid online through the cashier, window collection or express
#: delivery)
FLOW_BASIC_CODES = ("009068000000", "027018000000", "006021000000")
#: of those, the one paid through the cashier (the faults' pay witnesses fill it in)
PAID_BASIC_CODE = "006021000000"
#: a valid 1x1 PNG (what a citizen's photo of a document is, as far as the checks go)
UPLOAD_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
VALID_ID_NUMBER = "11010519491231002X"  # GB 11643's own example


def apply_view(citizen: Citizen, var: str) -> Any:
    return citizen.state.get(APPLY_STATE, {}).get(f"{var}_rx_state_")


def answers_for(fields: list[dict[str, Any]], n: int) -> dict[str, str]:
    """What a citizen types into the fields the page shows (kept values stay as they are)."""
    answers: dict[str, str] = {}
    for fld in fields:
        name, kind, value = fld["name"], fld["kind"], str(fld.get("value") or "")
        options = [o["value"] for o in fld.get("options") or []]
        if fld.get("locked") or kind == "file":
            continue
        if kind == "checkbox":
            answers[f"{name}::{options[0]}"] = "on"
        elif kind == "address":
            answers[name] = value if value in options else options[0]
            answers[f"{name}.detail"] = fld.get("detail") or f"文化东路{n}号{n % 30 + 1}单元"
        elif value:
            answers[name] = value
        elif kind in ("radio", "select"):
            answers[name] = options[0]
        elif kind == "date":
            answers[name] = "2024-03-01"
        elif kind == "phone":
            answers[name] = "13800138000"
        elif kind == "id_number":
            answers[name] = VALID_ID_NUMBER
        else:
            answers[name] = f"6222{n:015d}"[: int(fld.get("max_length") or 19)]
    return answers


async def flow_sign_in(citizen: Citizen, flow: FlowRecord, idp_url: str) -> bool:
    """The browser's part of the login: the identity provider's page, the account chosen,
    its redirect back to the app's callback, which the tab loads (a new socket, same token)."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(idp_url).query))
    authorize = idp_url.split("?", 1)[0]
    ensure_loopback(authorize)
    started = time.monotonic()
    try:
        async with citizen.http.get(idp_url) as page:
            if page.status != 200:
                citizen.stats.error(f"flow_login: identity provider answered {page.status}")
                return False
        form = {**query, "account": flow.sub, "action": "login"}
        async with citizen.http.post(authorize, data=form, allow_redirects=False) as answer:
            back = answer.headers.get("Location", "")
    except Exception as exc:  # aiohttp errors: the identity provider is not reachable
        citizen.stats.error(f"flow_login: identity provider unreachable ({type(exc).__name__})")
        return False
    parts = urllib.parse.urlsplit(back)
    if "code=" not in parts.query:
        citizen.stats.error(f"flow_login: identity provider refused the login ({back[:80]})")
        return False
    citizen.stats.add("flow_login_idp", (time.monotonic() - started) * 1000)
    citizen.redirects.clear()
    citizen.page_loads.clear()
    if not await citizen.reload("flow_login_callback", f"{parts.path}?{parts.query}"):
        return False
    handoff = next((u for u in reversed(citizen.page_loads) if u.startswith("/flow/session")), "")
    if not handoff:
        citizen.stats.error("flow_login: the callback did not hand over a session")
        return False
    # the browser loads /flow/session: the HttpOnly cookie, then where the login began
    try:
        async with citizen.http.get(citizen.target.url + handoff, allow_redirects=False) as answer:
            morsel = answer.cookies.get(SESSION_COOKIE)
            back = answer.headers.get("Location", "/me")
    except Exception as exc:  # aiohttp errors: the app is not reachable
        citizen.stats.error(f"flow_login: /flow/session unreachable ({type(exc).__name__})")
        return False
    if morsel is None or not morsel.value:
        citizen.stats.error("flow_login: /flow/session set no session cookie")
        return False
    citizen.cookie = morsel.value
    if not await citizen.reload("flow_open", back):
        return False
    if not citizen.state.get(FLOW_AUTH_STATE, {}).get("signed_in_rx_state_"):
        citizen.stats.error("flow_login: the session cookie did not sign the citizen in")
        return False
    flow.signed_in = True
    return True


async def flow_open(citizen: Citizen, flow: FlowRecord) -> bool:
    """Open the item's online form; start it (signing in first if needed) or resume the draft."""
    if not await citizen.navigate("flow_open", f"/apply/{urllib.parse.quote(flow.item_code)}"):
        return False
    if apply_view(citizen, "stage") != "intro":
        return True
    if flow.draft is not None:  # no draft any more
        if flow.unconfirmed:  # a submit without an answer went through
            flow.must_exist.update(flow.unconfirmed)
            flow.unconfirmed.clear()
        else:
            flow.lost.append(f"{flow.item_code}: draft acknowledged at step {flow.draft_step}")
            citizen.stats.error("flow: an acknowledged draft is gone")
        flow.draft, flow.key = None, ""
    citizen.redirects.clear()

    def started(delta: Delta) -> bool:
        answer = delta.get(APPLY_STATE, {})
        return (
            bool(citizen.redirects)
            or "stage_rx_state_" in answer
            or bool(delta.get(FLOW_AUTH_STATE, {}).get("login_error_rx_state_"))
        )

    if not await citizen.event("flow_start", f"{APPLY_STATE}.start", {}, started):
        return False
    if apply_view(citizen, "stage") == "step":
        return True
    if citizen.redirects and not citizen.redirects[-1].startswith("/"):
        if not await flow_sign_in(citizen, flow, citizen.redirects[-1]):
            return False
    elif error := citizen.state.get(FLOW_AUTH_STATE, {}).get("login_error_rx_state_"):
        citizen.stats.error(f"flow_start: {error}")
        return False
    if apply_view(citizen, "stage") != "step":
        citizen.stats.error(
            f"flow_start: the form did not open (stage {apply_view(citizen, 'stage')!r})"
        )
        return False
    return True


async def flow_upload(citizen: Citizen, flow: FlowRecord, name: str) -> str | None:
    """Upload a material into the draft (``POST /flow/files`` with the session cookie); its
    stored id, or ``None`` with the error counted (round trip ``upload``)."""
    import aiohttp

    if not citizen.cookie:
        citizen.stats.error("upload: no session cookie (not signed in)")
        return None
    body = aiohttp.FormData()
    body.add_field("item", flow.item_code)
    body.add_field("field", name)
    body.add_field("file", UPLOAD_PNG, filename="material.png", content_type="image/png")
    started = time.perf_counter()
    try:
        async with citizen.http.post(
            f"{citizen.target.url}/flow/files",
            data=body,
            headers={"X-Yiwang-Upload": "1", "Cookie": f"{SESSION_COOKIE}={citizen.cookie}"},
        ) as answer:
            data = await answer.json(content_type=None)
            ok = answer.status == 200 and bool(data.get("id"))
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        citizen.stats.error(f"upload: {type(exc).__name__}")
        return None
    if not ok:
        citizen.stats.error(f"upload: HTTP {answer.status}: {data.get('message')}")
        return None
    citizen.stats.add("upload", (time.perf_counter() - started) * 1000)
    return str(data["id"])


async def flow_journey(citizen: Citizen, submit: bool | None = None, max_steps: int = 99) -> None:
    """Sign in if needed, start (or resume) an application, answer up to ``max_steps`` question
    pages (each one saves the draft: round trip ``draft_save``), and submit it (round trip
    ``submit``) when ``submit`` is true (default: half of the time). What the page acknowledged
    is kept on ``citizen.flow``."""
    if not citizen.target.flow_codes:
        citizen.stats.error("flow: no online-form items given (Target.flow_codes)")
        return
    if citizen.flow is None:
        citizen.flow = FlowRecord(
            f"{SYNTHETIC_PREFIX}{uuid.uuid4().hex[:16]}", random.choice(citizen.target.flow_codes)
        )
    flow = citizen.flow
    if flow.checkout:  # a payment left over from the last journey comes first
        await pay_checkout(citizen, flow)
        return
    if submit is None:
        submit = random.random() < 0.5
    if not await flow_open(citizen, flow):
        return
    if flow.unconfirmed and apply_view(citizen, "stage") == "check":
        submit = True  # a submit without an answer: the citizen taps 提交 again (same key)
    n = random.randrange(1, 10_000)
    answered = dict(flow.draft or {})
    steps = 0
    while apply_view(citizen, "stage") == "step" and steps < max_steps:
        citizen.page = "question"
        if not await citizen.pause("question"):  # typing the answers of this page
            return
        fields = apply_view(citizen, "fields") or []
        answers = answers_for(fields, n)
        for fld in fields:  # a material to upload: the upload route, as the page's script posts
            if fld.get("kind") == "file" and not fld.get("value"):
                if (stored := await flow_upload(citizen, flow, fld["name"])) is None:
                    return
                answered[fld["name"]] = stored
        before = apply_view(citizen, "step_index")

        def moved(delta: Delta) -> bool:
            answer = delta.get(APPLY_STATE, {})
            return any(f"{k}_rx_state_" in answer for k in ("step_index", "stage", "errors"))

        payload = {"form_data": answers}
        if not await citizen.event("draft_save", f"{APPLY_STATE}.continue_step", payload, moved):
            return
        if errors := apply_view(citizen, "errors"):
            citizen.stats.error(f"draft_save: step {before} refused: {errors[0].get('message')}")
            return
        answered.update({k: v for k, v in answers.items() if "::" not in k})
        stage = apply_view(citizen, "stage")
        flow.draft = dict(answered)
        flow.draft_step = (
            apply_view(citizen, "step_count")
            if stage == "check"
            else apply_view(citizen, "step_index")
        )
        steps += 1
    if apply_view(citizen, "stage") == "check":
        citizen.page = "check"
    if not submit or apply_view(citizen, "stage") != "check":
        return
    if not await citizen.pause("check"):  # reading the answers back, ticking the declaration
        return
    flow.key = flow.key or uuid.uuid4().hex
    key, sent = flow.key, dict(flow.draft or answered)

    def submitted(delta: Delta) -> bool:
        answer = delta.get(APPLY_STATE, {})
        return (
            answer.get("stage_rx_state_") == "done"
            or bool(answer.get("errors_rx_state_"))
            or any(r.startswith("/checkout/") for r in citizen.redirects)
        )

    citizen.redirects.clear()
    payload = {"form_data": {"declaration": "on", "consent": "on"}, "key": key}
    if not await citizen.event("submit", f"{APPLY_STATE}.submit", payload, submitted):
        flow.unconfirmed[key] = sent  # made or not, the draft (if still there) resubmits it
        return
    if citizen.redirects and citizen.redirects[-1].startswith("/checkout/"):
        # delivery and payment before the submission (issue 15): the draft stays until paid
        flow.checkout, flow.checkout_key, flow.checkout_sent = citizen.redirects[-1], key, sent
        await pay_checkout(citizen, flow)
        return
    if apply_view(citizen, "stage") != "done":
        citizen.stats.error(f"submit: refused: {apply_view(citizen, 'errors')}")
        return
    flow.submitted[key] = (str(apply_view(citizen, "application_number")), sent)
    flow.unconfirmed.pop(key, None)
    flow.draft, flow.draft_step, flow.key = None, 0, ""
    citizen.page = "done"


def checkout_view(citizen: Citizen, var: str) -> Any:
    return citizen.state.get(CHECKOUT_STATE, {}).get(f"{var}_rx_state_")


async def pay_checkout(citizen: Citizen, flow: FlowRecord) -> bool:
    """The checkout of a submitted form: window collection if asked, then 去支付 (a redirect to
    the cashier's page), the cashier's 确认支付 (an HTTP form post: the cashier notifies the app
    server to server before it sends the browser back), the return page loaded in this tab
    and the receipt shown. The whole of it is the ``payment`` journey time. An unreachable
    cashier leaves the checkout for the next journey (the citizen taps 重新支付 later)."""
    path = flow.checkout
    if not await citizen.navigate("checkout_open", path):
        return False
    if checkout_view(citizen, "stage") == "delivery":
        # (the page's own load may still answer meanwhile: wait for the stage to move on)
        def chosen(delta: Delta) -> bool:
            view = delta.get(CHECKOUT_STATE, {})
            return view.get("stage_rx_state_", "delivery") != "delivery" or bool(
                view.get("errors_rx_state_")
            )

        payload = {"form_data": {"method": "collect"}}
        if not await citizen.event(
            "delivery_choose", f"{CHECKOUT_STATE}.choose_delivery", payload, chosen
        ):
            return False
    if flow.hold_payment:
        return False
    if checkout_view(citizen, "stage") != "done":
        started = time.monotonic()
        citizen.redirects.clear()

        def answered(delta: Delta) -> bool:
            # the cashier's page, or the page saying why not (a late answer of the page's
            # own load carries the stage too: that is not the answer to 去支付)
            stage = delta.get(CHECKOUT_STATE, {}).get("stage_rx_state_")
            return bool(citizen.redirects) or stage in ("unreachable", "done", "missing", "signin")

        if not await citizen.event("pay", f"{CHECKOUT_STATE}.pay", {}, answered):
            return False
        external = [r for r in citizen.redirects if not r.startswith("/")]
        if not external:
            stage = checkout_view(citizen, "stage")
            citizen.stats.error(f"payment: no cashier page (stage {stage!r}; order kept)")
            return False
        pay_url = external[-1]
        ensure_loopback(pay_url)
        try:
            async with citizen.http.post(
                pay_url, data={"action": "pay"}, allow_redirects=False
            ) as answer:
                back = answer.headers.get("Location", "")
        except Exception as exc:  # aiohttp errors: the cashier went away meanwhile
            citizen.stats.error(f"payment: cashier page unreachable ({type(exc).__name__})")
            return False
        parts = urllib.parse.urlsplit(back)
        if not parts.path.startswith("/checkout/"):
            citizen.stats.error(f"payment: the cashier sent the browser to {back[:80]!r}")
            return False
        if not await citizen.reload("pay_return", f"{parts.path}?{parts.query}"):
            return False
        if checkout_view(citizen, "stage") == "waiting":  # no notification yet: ask again
            await citizen.event(
                "pay_check",
                f"{CHECKOUT_STATE}.check_result",
                {},
                lambda d: "stage_rx_state_" in d.get(CHECKOUT_STATE, {}),
            )
        if checkout_view(citizen, "stage") != "done":
            citizen.stats.error(f"payment: stage {checkout_view(citizen, 'stage')!r} on return")
            return False
        citizen.stats.add_journey("payment", (time.monotonic() - started) * 1000)
    number = str(checkout_view(citizen, "application_number") or "")
    if not number:
        citizen.stats.error("payment: done without an application number")
        return False
    flow.submitted[flow.checkout_key] = (number, dict(flow.checkout_sent))
    flow.unconfirmed.pop(flow.checkout_key, None)
    flow.paid.append(number)
    flow.checkout, flow.checkout_key, flow.checkout_sent = "", "", {}
    flow.draft, flow.draft_step, flow.key = None, 0, ""
    citizen.page = "done"
    return True


# ---------------------------------------------------------------------------------------------


def default_province() -> str:
    """The province the app under load serves by default (YIWANG_PROVINCE / _DIR, the same
    resolver as the app's): the citizens' guides, forms and queries are taken from it."""
    sys.path.insert(0, str(ROOT))
    from themes.loader import province_dir_from_env

    return province_dir_from_env().name


def catalogue_codes(db_url: str | None = None, limit: int = 500) -> list[str]:
    """Implementation codes of the default province's catalogue (guides to open)."""
    import sqlalchemy as sa

    if db_url is None:
        sys.path.insert(0, str(ROOT))
        from rxconfig import config

        db_url = config.db_url
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT implementation_code FROM catalogue_item "
                "WHERE province = :p ORDER BY implementation_code LIMIT :n"
            ),
            {"n": limit, "p": default_province()},
        ).all()
    engine.dispose()
    if not rows:
        raise LoadError(
            f"no {default_province()} items in the catalogue at {db_url}: run make setup"
        )
    return [r[0] for r in rows]


def flow_codes(db_url: str | None = None) -> list[str]:
    """Implementation codes (default province) of the online forms the flow journey fills in."""
    import sqlalchemy as sa

    if db_url is None:
        sys.path.insert(0, str(ROOT))
        from rxconfig import config

        db_url = config.db_url
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT implementation_code FROM catalogue_item WHERE province = :p "
                "AND basic_code IN :codes ORDER BY implementation_code"
            ).bindparams(sa.bindparam("codes", expanding=True)),
            {"codes": list(FLOW_BASIC_CODES), "p": default_province()},
        ).all()
    engine.dispose()
    if not rows:
        raise LoadError(f"no items with the forms {FLOW_BASIC_CODES} at {db_url}: run make setup")
    return [r[0] for r in rows]


def remove_synthetic_rows(db_url: str, subs: list[str] | None = None) -> int:
    """Delete the flow rows (sessions, drafts, applications and their events) of synthetic
    citizens: the ``subs`` given, or every ``sbx-load-*`` one when ``subs`` is None. Real
    citizens' rows are never touched (only owners with the synthetic prefix qualify)."""
    import sqlalchemy as sa

    if subs is None:
        where, batches = "LIKE :p", [{"p": f"{SYNTHETIC_PREFIX}%"}]
    else:
        own = [s for s in subs if s.startswith(SYNTHETIC_PREFIX)]
        where = "IN :subs"
        batches = [{"subs": own[i : i + 500]} for i in range(0, len(own), 500)]
    statements = [
        f"DELETE FROM flow_payment WHERE owner {where}",
        f"DELETE FROM flow_checkout WHERE owner {where}",
        f"DELETE FROM flow_delivery WHERE owner {where}",
        f"DELETE FROM flow_application_event WHERE application_id IN "
        f"(SELECT id FROM flow_application WHERE owner {where})",
        f"DELETE FROM flow_application WHERE owner {where}",
        f"DELETE FROM flow_draft WHERE owner {where}",
        f"DELETE FROM flow_session WHERE sub {where}",
    ]
    engine = sa.create_engine(db_url)
    removed = 0
    with engine.begin() as conn:
        for params in batches:
            for sql in statements:
                stmt = sa.text(sql)
                if subs is not None:
                    stmt = stmt.bindparams(sa.bindparam("subs", expanding=True))
                removed += conn.execute(stmt, params).rowcount or 0
    engine.dispose()
    return removed


def search_queries() -> list[str]:
    """Queries from the labelled relevance set whose answers are in the default province's
    catalogue (a query of the set without a province is Shandong's)."""
    import yaml

    data = yaml.safe_load((ROOT / "app" / "search" / "eval" / "queries.yaml").read_text())
    province = default_province()
    return [
        q["q"]
        for q in data
        if q.get("type") == "official" and q.get("province", "shandong") == province
    ]


def run_loop(main: Awaitable[T]) -> T:
    """Run the crowd on uvloop (installed with the app for granian): the load generator shares
    this machine's cores with the app it measures, and uvloop's sockets cost it less CPU per
    action than asyncio's own loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency; asyncio works the same
        return asyncio.run(main)  # type: ignore[arg-type]
    return uvloop.run(main)  # type: ignore[arg-type]


class Crowd:
    """Many citizens against one URL: add them in steps, let them live, close them."""

    def __init__(self, target: Target, max_clients: int = MAX_CLIENTS) -> None:
        self.target = target
        self.stats = Stats()
        self.citizens: list[Citizen] = []
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.max_clients = max_clients
        self._session: Any = None

    async def _http(self) -> Any:
        if self._session is None:
            import aiohttp

            # bounded like every action: aiohttp's default is five minutes per request
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=3 * self.target.timeout_s),
            )
        return self._session

    @property
    def connected(self) -> int:
        return sum(1 for c in self.citizens if c.sio.connected)

    async def grow(self, total: int, rate: float = 100.0, live: bool = True) -> int:
        """Connect citizens until ``total`` exist, ``rate`` new connections per second."""
        total = min(total, self.max_clients)
        session = await self._http()
        pending: list[asyncio.Task[bool]] = []
        started = time.monotonic()
        while len(self.citizens) < total:
            citizen = Citizen(self.target, self.stats, session)
            self.citizens.append(citizen)
            connecting = asyncio.create_task(citizen.connect())
            pending.append(connecting)
            if live:
                self.tasks.append(asyncio.create_task(self._live(citizen, connecting)))
            ahead = len(pending) / rate - (time.monotonic() - started)
            if ahead > 0:
                await asyncio.sleep(ahead)
        results = await asyncio.gather(*pending)
        return sum(results)

    async def _live(self, citizen: Citizen, connecting: asyncio.Task[bool]) -> None:
        """The citizen's journeys, once its page has loaded: an action sent while the first
        hydrate is on its way would take that hydrate's answer for its own (and the connect
        would wait for an answer that already came)."""
        with contextlib.suppress(Exception):  # counted by connect(); socket.io keeps trying
            await connecting
        await citizen.live(self.stop)

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for i in range(0, len(self.citizens), 200):
            await asyncio.gather(*(c.close() for c in self.citizens[i : i + 200]))
        if self._session is not None:
            await self._session.close()


def print_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    widths = [
        max(len(title), 0, *(len(str(r.get(key, ""))) for r in rows)) for key, title in columns
    ]
    print("  ".join(title.rjust(w) for (_, title), w in zip(columns, widths, strict=True)))
    for row in rows:
        print(
            "  ".join(
                str(row.get(key, "")).rjust(w) for (key, _), w in zip(columns, widths, strict=True)
            )
        )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    target = Target(args.url.rstrip("/"), catalogue_codes(args.db_url), search_queries(),
                    think=args.think or (0.0, 0.0), timeout_s=args.timeout,
                    flow_codes=flow_codes(args.db_url),
                    pace=PACED if args.think is None else None)  # fmt: skip
    crowd = Crowd(target)
    deadline = time.monotonic() + args.duration
    try:
        connected = await asyncio.wait_for(
            crowd.grow(args.clients, args.rate), max(1.0, deadline - time.monotonic())
        )
        since = time.monotonic()
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        summary = summarize(crowd.stats, since, time.monotonic())
    finally:
        await crowd.close()
    summary["clients"] = args.clients
    summary["connected"] = connected
    summary["reconnects"] = crowd.stats.reconnects
    return summary


def parse_think(text: str) -> tuple[float, float] | None:
    """``MIN,MAX`` seconds, or ``paced`` (``None``: think times by page, :data:`PACED`)."""
    if text.strip() == PACED_NAME:
        return None
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--think {text!r}: expected {PACED_NAME} or MIN,MAX seconds"
        ) from exc
    if not 0 <= lo <= hi:
        raise argparse.ArgumentTypeError(f"--think {text!r}: need 0 <= MIN <= MAX")
    return lo, hi


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="the app (loopback only)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60, help="seconds in all, ramp included")
    parser.add_argument("--rate", type=float, default=100, help="new connections per second")
    parser.add_argument("--think", type=parse_think, default=None,
                        help=f"{PACED_NAME} (default: by page) or MIN,MAX seconds")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=10, help="seconds before an action fails")
    parser.add_argument("--db-url", default=None, help="catalogue database (default: rxconfig)")
    args = parser.parse_args(argv)
    try:
        if not 1 <= args.clients <= MAX_CLIENTS:
            raise LoadError(f"--clients {args.clients}: between 1 and {MAX_CLIENTS}")
        if not 1 <= args.duration <= MAX_DURATION_S:
            raise LoadError(f"--duration {args.duration}: between 1 and {MAX_DURATION_S} s")
        if args.rate <= 0:
            raise LoadError(f"--rate {args.rate}: must be positive")
        ensure_loopback(args.url)
        summary = run_loop(run(args))
    except LoadError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 2
    rows = [{"kind": k, **v} for k, v in summary["kinds"].items()]
    print_table(rows, [("kind", "action"), ("n", "n"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms")])
    print(json.dumps({k: v for k, v in summary.items() if k != "kinds"}, ensure_ascii=False))
    return 1 if summary["errors"] or summary["connected"] < summary["clients"] else 0


if __name__ == "__main__":
    sys.exit(main())
