"""Many citizens against one URL (:class:`Crowd`), each choosing its next journey step as a
citizen would (:func:`act`), on uvloop."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from scripts.loadgen.citizen import Citizen, Target
from scripts.loadgen.flow import flow_journey
from scripts.loadgen.report import Stats
from scripts.loadgen.wire import FLOW_STATE_MARK

MAX_CLIENTS = 20_000
T = TypeVar("T")


def flow_available(citizen: Citizen) -> bool:
    """The app has the flow and this run names online forms to fill in."""
    return bool(citizen.target.flow_codes) and any(FLOW_STATE_MARK in n for n in citizen.state)


async def act(citizen: Citizen) -> None:
    """One journey step, chosen like a citizen would (search most, then guides, home)."""
    async with citizen._lock:
        if not citizen.sio.connected:
            return
        roll = random.random()
        if roll < 0.5:
            await citizen.search()
        elif roll < 0.85:
            await citizen.open_guide()
        elif flow_available(citizen) and roll < 0.95:
            await flow_journey(citizen)
        else:
            await citizen.open_home()


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
        await citizen.live(self.stop, act)

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for i in range(0, len(self.citizens), 200):
            await asyncio.gather(*(c.close() for c in self.citizens[i : i + 200]))
        if self._session is not None:
            await self._session.close()
