"""A small in-process cache for catalogue reads that every citizen repeats.

Search results and guides are the same for every citizen who asks the same thing of the same
province, and the catalogue changes a few times a day (``python -m app.catalogue load``, in
another process). Under load most events are the hot searches and the popular guides, so each
worker keeps the answers it computed for ``YIWANG_READ_CACHE_TTL`` seconds (default 60; 0
turns the cache off): a province's catalogue change is visible to every citizen within that
time. Entries are bounded (least recently used first out) and each caller gets its own copy,
so a state that changes what it was given cannot change what the next citizen gets.

When an entry expires, the first caller recomputes it and the others keep getting the old
answer until it is back (for at most one more TTL): otherwise every hot search of a worker
expires in the same second and all of them are recomputed at once, a stall every TTL that
`make load` saw as a p95 spike.

Only catalogue reads go here, never anything about a citizen (drafts, applications, login).
"""

from __future__ import annotations

import asyncio
import copy
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

T = TypeVar("T")

DEFAULT_TTL_S = 60.0
DEFAULT_SIZE = 4096


class ReadCacheError(ValueError):
    """A bad cache setting (the message names the variable and the value)."""


def ttl_from_env(name: str = "YIWANG_READ_CACHE_TTL", default: float = DEFAULT_TTL_S) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ReadCacheError(
            f"{name}={raw!r}: expected seconds (a number, 0 turns it off)"
        ) from None
    if value < 0:
        raise ReadCacheError(f"{name}={raw!r}: must not be negative")
    return value


class ReadCache(Generic[T]):
    """Least-recently-used entries that expire ``ttl`` seconds after they were computed.

    ``get_or_compute(key, compute)`` returns a deep copy of the cached value, computing it
    (outside the lock: two threads may compute the same key once each) when missing or old.
    Thread-safe: handlers run the computation in worker threads.
    """

    def __init__(
        self,
        ttl: float | None = None,
        size: int = DEFAULT_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if size < 1:
            raise ReadCacheError(f"size={size}: must be at least 1")
        self.ttl = ttl_from_env() if ttl is None else ttl
        self.size = size
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()
        self._refreshing: set[Hashable] = set()
        self.hits = 0
        self.misses = 0

    def fresh(self, key: Hashable) -> tuple[bool, T | None]:
        """``(True, copy)`` when a fresh entry exists, else ``(False, None)``: lets an async
        handler answer a hit on the event loop and send only misses to a thread."""
        if self.ttl <= 0:
            return False, None
        with self._lock:
            entry = self._usable(key)
            if entry is None:
                return False, None
            self.hits += 1
            value = entry[1]
        return True, copy.deepcopy(value)

    def _usable(self, key: Hashable) -> tuple[float, T] | None:
        """The entry to answer with (fresh, or stale while another caller recomputes it);
        None tells this caller to compute it (and marks it as being recomputed). Lock held."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        age = self._clock() - entry[0]
        if age < self.ttl or (age < 2 * self.ttl and key in self._refreshing):
            self._entries.move_to_end(key)
            return entry
        self._refreshing.add(key)
        return None

    async def get_or_compute_off_loop(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A hit answered at once; a miss computed in a worker thread (``asyncio.to_thread``)
        so that a database round trip does not hold up the other tabs on this worker."""
        found, value = self.fresh(key)
        if found:
            return cast(T, value)
        return await asyncio.to_thread(self._compute, key, compute)

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.ttl <= 0:
            return compute()
        with self._lock:
            entry = self._usable(key)
            if entry is not None:
                self.hits += 1
                return copy.deepcopy(entry[1])
        return self._compute(key, compute)

    def _compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Compute, store and return a copy of ``key``'s value (after ``_usable`` said so)."""
        try:
            value = compute()
            now = self._clock()
        finally:
            with self._lock:
                self._refreshing.discard(key)
        with self._lock:
            self.misses += 1
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return copy.deepcopy(value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
