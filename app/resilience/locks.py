"""State locks of a dead worker are broken when its tabs come back, not waited out.

Reflex 0.10 takes a per-tab lock in Redis (``<token>_lock``, expiring after
``redis_lock_expiration``, 10 s) around every event. A worker killed in the middle of an event
never releases it: its tab reconnects to another worker within a second or two and then waits
up to 10 s before anything it does is answered (``make faults``: kill-worker, 11 of 100
background citizens got no answer in 10 s on an open socket).

:class:`OwnedLockStateManager` writes the holder's worker instance into the lock's value
(``<instance>|<event>:<uuid>``; Reflex's lock id is ``<event>:<uuid>``, opaque to it), and
:meth:`app.resilience.tokens.LiveTokenManager.link_token_to_sid`, on finding a reconnecting
tab's socket record left by a dead worker, deletes that tab's lock if the same dead worker
holds it (:func:`break_dead_lock`). Waiters are woken by Reflex's own keyspace notification.

The same holds for a lock this worker could not release because Redis went away in the middle
of an event (the release is a Redis command too): Redis comes back (``appendonly``) with the
lock still set, and the tab's next event waited out the rest of its 10 s (``make faults``:
redis, 15 of 100 background citizens). Such a lock is released as soon as Redis answers again
(only while it still holds the same lock id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from reflex.istate.manager.redis import StateManagerRedis

logger = logging.getLogger(__name__)
RETRY_S = 0.5

# Delete the key only while it still holds this exact value.
_DELETE_IF_SAME = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def lock_key(token: str) -> str:
    return f"{token}_lock"  # reflex StateManagerRedis._lock_key for a tab's token


class OwnedLockStateManager(StateManagerRedis):
    """Reflex's Redis state manager whose locks name the worker instance that holds them."""

    owner: Callable[[], str] = staticmethod(lambda: "")

    def __post_init__(self) -> None:
        super().__post_init__()
        #: locks held when Redis went away: lock key -> lock id, released when it is back
        self.unreleased: dict[bytes, bytes] = {}
        self._releaser: asyncio.Task | None = None

    @classmethod
    def replacing(cls, manager: StateManagerRedis, owner: Callable[[], str]) -> Any:
        new = cls(
            redis=manager.redis,
            token_expiration=manager.token_expiration,
            lock_expiration=manager.lock_expiration,
            lock_warning_threshold=manager.lock_warning_threshold,
        )
        new.owner = owner
        return new

    @contextlib.asynccontextmanager
    async def _lock(self, token: Any, event_name: str | None = None) -> AsyncIterator[bytes]:
        held: bytes | None = None
        try:
            async with super()._lock(
                token, event_name=f"{self.owner()}|{event_name or ''}"
            ) as lock:
                held = lock
                yield lock
        except RedisError:
            if held is not None:  # Redis went away while it was held: release it when back
                self.unreleased[self._lock_key(token)] = held
                if self._releaser is None or self._releaser.done():
                    self._releaser = asyncio.get_running_loop().create_task(
                        self._release_when_back()
                    )
            raise

    async def _release_when_back(self) -> None:
        """Release the locks Redis missed, as soon as it answers again."""
        pending = self.unreleased
        while pending:
            await asyncio.sleep(RETRY_S)
            for key, lock_id in list(pending.items()):
                try:
                    await delete_if_same(self.redis, key, lock_id)
                except RedisError:
                    break  # still away
                del pending[key]
                self._notify_next_waiter(key)
                logger.info("released %s, held when Redis went away", key.decode())


async def break_dead_lock(redis: Any, token: str, dead_instance: str) -> bool:
    """Delete the tab's state lock if the (dead) worker instance holds it; whether it did."""
    key = lock_key(token)
    value = await redis.get(key)
    if not value or not value.startswith(f"{dead_instance}|".encode()):
        return False
    return await delete_if_same(redis, key, value)


async def delete_if_same(redis: Redis, key: bytes | str, value: bytes) -> bool:
    """Delete ``key`` if it still holds ``value`` (one Lua call, atomic); whether it did.

    redis-py gives ``eval`` one signature for its sync and asyncio clients
    (``Awaitable[str] | str``); on the asyncio client it is always awaitable."""
    answer = redis.eval(_DELETE_IF_SAME, 1, key, value)
    assert isinstance(answer, Awaitable)
    return bool(await answer)


def install(app: Any, owner: Callable[[], str]) -> bool:
    """Put an :class:`OwnedLockStateManager` in place of the app's Redis state manager."""
    manager = getattr(app, "_state_manager", None)
    if isinstance(manager, OwnedLockStateManager) or not isinstance(manager, StateManagerRedis):
        return False
    app._state_manager = OwnedLockStateManager.replacing(manager, owner)
    return True
