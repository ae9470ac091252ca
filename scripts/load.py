"""Simulated citizens speaking Reflex's websocket event protocol (socket.io over websocket).

    python scripts/load.py --url http://127.0.0.1:3000 --clients 500 --duration 60

Each citizen is what a browser tab does, without the browser: it connects to ``/_event`` with
its session token in the query string and the hydrate event (``State.hydrate_and_load`` with
the page's router data) in the socket.io CONNECT packet, as ``.web/utils/state.js`` does; it
keeps the state deltas it receives; it sends events as ``{"name", "payload", "router_data"}``
on the ``event`` channel and sends back the events the server returns for the browser to
queue. The round trip of an action is the time from sending its event to the delta that
completes it (``is_hydrated`` back to true after a navigation, the suggestions after typing).

Journeys, after a think time (uniform, ``--think``): open home (navigate to ``/``), search
(``SearchState.type`` with a query, then ``/search?q=`` whose on_load runs
``SearchState.load``), open a guide (``/item/<code>`` whose on_load runs ``GuideState.load``,
codes read from the catalogue). Answers are checked: a guide must be found, a known query must
have results. Drafts and submission: see :func:`flow_journey` (the hook for the flow branch).

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
import socket
import statistics
import sys
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MAX_CLIENTS = 20_000
MAX_DURATION_S = 3_600
ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
SEARCH_STATE = f"{ROOT_STATE}.app___state___search____search_state"
GUIDE_STATE = f"{ROOT_STATE}.app___state___guide____guide_state"
SEARCH_TYPE = f"{SEARCH_STATE}.type"
IS_HYDRATED = "is_hydrated_rx_state_"
# state.js connects io("<origin>/_event", {path: "/_event"}): the URL's path is the socket.io
# namespace, and the engine.io path is the same.
NAMESPACE = "/_event"
# The application flow (drafts, submission) is not on this branch yet; when it lands its state
# shows up in the hydrate delta under a name containing this, and flow_journey takes over.
FLOW_STATE_MARK = "app___state___flow"
FROZEN = "socket open (frozen page, no banner)"

Delta = dict[str, dict[str, Any]]
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
    if parts.path.startswith("/item/"):
        query["code"] = urllib.parse.unquote(parts.path.removeprefix("/item/"))
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
    return out


@dataclass
class Target:
    url: str
    codes: list[str]
    queries: list[str]
    think: tuple[float, float] = (5.0, 15.0)
    timeout_s: float = 10.0


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
        self._waiter: tuple[Predicate, asyncio.Future[None]] | None = None
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
        """The CONNECT packet's auth: the hydrate event for the current page (every connect)."""
        return {"event": {"name": HYDRATE, "payload": {}, "router_data": route(self.path)}}

    async def _on_connect(self) -> None:
        if self._reconnecting_since is not None:
            self.stats.reconnects += 1
            self.stats.add("reconnect", (time.monotonic() - self._reconnecting_since) * 1000)
            self._reconnecting_since = None

    async def _on_disconnect(self, *args: Any) -> None:
        self.stats.disconnects += 1
        self._reconnecting_since = time.monotonic()

    async def _on_new_token(self, token: str) -> None:
        """The server saw this token live on another socket (its duplicate-tab check) and gave
        this tab a new one, with fresh state; state.js switches to it, and so does this."""
        self.stats.new_tokens += 1
        self.token = str(token)

    async def _on_update(self, update: dict[str, Any]) -> None:
        delta: Delta = update.get("delta") or {}
        for name, values in delta.items():
            self.state.setdefault(name, {}).update(values)
        for event in update.get("events") or []:
            # Backend events queued for the browser go back to the server; client-side ones
            # (names starting with "_": redirects, scripts, storage) have nothing to do here.
            if not str(event.get("name", "")).startswith("_"):
                event.setdefault("router_data", route(self.path))
                await self.sio.emit("event", event, namespace=NAMESPACE)
        if self._waiter and self._waiter[0](delta) and not self._waiter[1].done():
            self._waiter[1].set_result(None)

    async def _round_trip(
        self, kind: str, send: Callable[[], Awaitable[None]], done: Predicate
    ) -> bool:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiter = (done, future)
        started = time.monotonic()
        try:
            await send()
            await asyncio.wait_for(future, self.target.timeout_s)
        except (TimeoutError, Exception):
            # With the socket still open the browser shows no connection banner: the page
            # looks frozen. After a disconnect it shows the banner and reconnects.
            how = FROZEN if self.sio.connected else "cut off by a disconnect"
            self.stats.error(f"{kind}: no answer in {self.target.timeout_s:.0f}s, {how}")
            return False
        finally:
            self._waiter = None
        self.stats.add(kind, (time.monotonic() - started) * 1000)
        return True

    async def connect(self) -> bool:
        async def send() -> None:
            await self.sio.connect(
                f"{self.target.url}?token={self.token}",
                socketio_path=NAMESPACE,
                namespaces=[NAMESPACE],
                transports=["websocket"],
                headers={"Origin": self.target.url},
                auth=self._boot,
                wait_timeout=self.target.timeout_s,
            )

        ok = await self._round_trip("connect+hydrate", send, hydrated)
        if ok:
            self.stats.connects += 1
        return ok

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

    async def open_guide(self) -> None:
        code = random.choice(self.target.codes)
        if await self.navigate("guide", f"/item/{urllib.parse.quote(code)}"):
            status = self.state.get(GUIDE_STATE, {}).get("status_rx_state_")
            if status != "found":
                self.stats.error(f"guide: {code} answered {status!r}, not 'found'")

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
        return any(FLOW_STATE_MARK in name for name in self.state)

    async def live(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            lo, hi = self.target.think
            with_think = random.uniform(lo, hi)
            try:
                await asyncio.wait_for(stop.wait(), with_think)
                return
            except TimeoutError:
                pass
            await self.act()

    async def close(self) -> None:
        self.sio.reconnection = False
        with contextlib.suppress(Exception):  # best effort at the end of a run
            await asyncio.wait_for(self.sio.disconnect(), 5)


async def flow_journey(citizen: Citizen) -> None:
    """HOOK for the application flow (issue 5, another branch): start a draft, save it,
    submit it; record 'draft_save' and 'submit' round trips and keep what was submitted on
    the citizen so the fault scripts can check that nothing was lost or duplicated.

    Not reachable until a flow state exists in the app (see ``Citizen.flow_available``);
    reaching it without an implementation is reported as an error, never silently skipped.
    """
    citizen.stats.error("flow: the app has a flow state but scripts/load.py has no flow journey")


# ---------------------------------------------------------------------------------------------


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
                "WHERE province = 'shandong' ORDER BY implementation_code LIMIT :n"
            ),
            {"n": limit},
        ).all()
    engine.dispose()
    if not rows:
        raise LoadError(f"no shandong items in the catalogue at {db_url}: run make setup")
    return [r[0] for r in rows]


def search_queries() -> list[str]:
    """Queries from the labelled relevance set whose answers are in the shandong catalogue."""
    import yaml

    data = yaml.safe_load((ROOT / "app" / "search" / "eval" / "queries.yaml").read_text())
    return [
        q["q"]
        for q in data
        if q.get("type") == "official" and q.get("province", "shandong") == "shandong"
    ]


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

            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
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
            pending.append(asyncio.create_task(citizen.connect()))
            if live:
                self.tasks.append(asyncio.create_task(citizen.live(self.stop)))
            ahead = len(pending) / rate - (time.monotonic() - started)
            if ahead > 0:
                await asyncio.sleep(ahead)
        results = await asyncio.gather(*pending)
        return sum(results)

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
                    think=args.think, timeout_s=args.timeout)  # fmt: skip
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


def parse_think(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--think {text!r}: expected MIN,MAX seconds") from exc
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
    parser.add_argument("--think", type=parse_think, default=(5.0, 15.0), help="MIN,MAX seconds")
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
        summary = asyncio.run(run(args))
    except LoadError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 2
    rows = [{"kind": k, **v} for k, v in summary["kinds"].items()]
    print_table(rows, [("kind", "action"), ("n", "n"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms")])
    print(json.dumps({k: v for k, v in summary.items() if k != "kinds"}, ensure_ascii=False))
    return 1 if summary["errors"] or summary["connected"] < summary["clients"] else 0


if __name__ == "__main__":
    sys.exit(main())
