"""Socket records that die with their worker: Reflex's duplicate-tab check without false alarms.

Reflex 0.10 keeps one record per tab token in Redis (``token_manager_socket_record_<token>``:
"this token's socket is sid S on worker instance I", kept for ``redis_token_expiration``, an
hour). A socket that connects with a token that has a record is taken for a duplicated tab (a
copied ``sessionStorage``) and given a new token with fresh state (``new_token``). A worker
killed by ``kill -9`` or the OOM killer never deletes its records, so every tab it served,
reconnecting to another worker, was treated as a copy of itself and lost its state
(``make faults``: 10 of 30 witnesses, 24 of 60).

:class:`LiveTokenManager` keeps the check and ignores records that cannot belong to a live
socket:

- every worker instance shows it is alive twice over: it holds a subscription to the channel
  ``yiwang_instance_<id>`` (Redis drops it the moment the process dies and the kernel closes
  its connection, so a killed worker is seen as gone at once), and it refreshes the key
  ``yiwang_instance_alive_<id>`` every :data:`BEAT_S` seconds with a :data:`ALIVE_TTL_S`
  expiry (a machine that vanished without closing its connections is seen as gone then);
- a record of an instance that is not alive, or of this instance for a socket it no longer
  holds, is stale: the reconnecting tab takes its token back (and the state lock the dead
  instance held for it is broken, :mod:`app.resilience.locks`);
- a record of a live socket gets a short grace (:data:`GRACE_CHECKS` re-reads
  :data:`GRACE_S` apart) before the tab is called a copy: a reload connects its new socket
  while the old one's disconnect is still on its way;
- a record this instance failed to store or delete while Redis was down is stored or deleted
  when Redis answers again (only while it is still the same record);
- keyspace notifications (which wake the waiters for a state lock) are switched on again when
  Redis comes back: a restarted Redis forgets Reflex's run-time ``CONFIG SET``.

A record of an instance that never announces itself (an older release during a rolling
update) counts as stale: such tabs keep their state and lose only the duplicate check.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
from typing import TYPE_CHECKING

from redis.exceptions import ResponseError
from reflex.istate.manager.redis import enable_keyspace_notifications
from reflex.utils.tasks import ensure_task
from reflex.utils.token_manager import (
    LocalTokenManager,
    RedisTokenManager,
    SocketRecord,
    _get_new_token,
)

from app.resilience.locks import break_dead_lock, delete_if_same

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

#: how often an instance refreshes its alive key, and how long the key lives without it
BEAT_S = 3.0
ALIVE_TTL_S = 15
#: a live record is re-read this many times, this far apart, before the tab is called a copy
GRACE_CHECKS = 3
GRACE_S = 0.1
#: how long a link waits for this instance's own liveness to be announced
READY_WAIT_S = 1.0


def alive_channel(instance_id: str) -> str:
    return f"yiwang_instance_{instance_id}"


def alive_key(instance_id: str) -> str:
    return f"yiwang_instance_alive_{instance_id}"


class LiveTokenManager(RedisTokenManager):
    """Reflex's Redis token manager, with records of dead sockets treated as absent."""

    def __init__(self, redis: Redis) -> None:
        super().__init__(redis)
        self._alive_task: asyncio.Task | None = None
        self._alive_ready = asyncio.Event()
        #: records to store / delete once Redis answers again (token -> record)
        self._unstored: dict[str, SocketRecord] = {}
        self._undeleted: dict[str, SocketRecord] = {}

    @classmethod
    def replacing(cls, manager: RedisTokenManager) -> LiveTokenManager:
        """This manager in place of Reflex's own (same Redis client, nothing linked yet)."""
        return cls(manager.redis)

    def _reset_instance_id(self) -> None:
        """A worker starts (Reflex calls this in each worker): a new identity to announce."""
        super()._reset_instance_id()
        task = getattr(self, "_alive_task", None)
        if task is not None and not task.done():
            task.cancel()
        self._alive_task = None
        self._alive_ready = asyncio.Event()

    # -- liveness ------------------------------------------------------------------------------
    async def _keep_alive(self) -> None:
        """Hold the liveness subscription, refresh the alive key, flush what Redis missed."""
        instance = self.instance_id
        # A restarted Redis forgets notify-keyspace-events (Reflex sets it at run time): without
        # it no lock release wakes a waiter, which then waits out the lock's 10 s expiry.
        with contextlib.suppress(ResponseError):
            await enable_keyspace_notifications(self.redis)
        async with self.redis.pubsub() as pubsub:
            await pubsub.subscribe(alive_channel(instance))
            while instance == self.instance_id:
                await self.redis.set(alive_key(instance), b"1", ex=ALIVE_TTL_S)
                self._alive_ready.set()
                await self._flush_pending()
                # reads (and drops) anything published to the channel; the wait between beats
                await pubsub.get_message(ignore_subscribe_messages=True, timeout=BEAT_S)

    def _ensure_alive_task(self) -> None:
        ensure_task(
            owner=self,
            task_attribute="_alive_task",
            coro_function=self._keep_alive,
            suppress_exceptions=[Exception],
            exception_limit=1_000_000,  # keep trying for as long as Redis is away
        )

    async def _announced(self) -> None:
        """Start announcing this instance; wait (briefly) until Redis has heard it."""
        self._ensure_alive_task()
        if not self._alive_ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._alive_ready.wait(), READY_WAIT_S)

    async def instance_alive(self, instance_id: str) -> bool:
        """Whether the worker instance ``instance_id`` is running (raises on Redis errors)."""
        if instance_id == self.instance_id:
            return True
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.exists(alive_key(instance_id))
            pipe.pubsub_numsub(alive_channel(instance_id))
            exists, numsub = await pipe.execute()
        subscribers = sum(int(n) for _, n in numsub)
        return bool(exists) and subscribers > 0

    async def _record_is_live(self, token: str, record: SocketRecord) -> bool:
        if record.instance_id == self.instance_id:
            # this instance is authoritative for its own sockets
            return self.sid_to_token.get(record.sid) == token
        return await self.instance_alive(record.instance_id)

    async def live_record(self, token: str) -> SocketRecord | None:
        """The record of a live socket holding ``token``, after the grace re-reads; else None.

        Raises on Redis errors."""
        record: SocketRecord | None = None
        for attempt in range(GRACE_CHECKS + 1):
            raw = await self.redis.get(self._get_redis_key(token))
            if raw is None:
                return None
            try:
                record = pickle.loads(raw)
            except Exception:  # unreadable: not a record any live instance wrote
                return None
            if not isinstance(record, SocketRecord) or not await self._record_is_live(
                token, record
            ):
                if isinstance(record, SocketRecord) and record.instance_id != self.instance_id:
                    broken = await break_dead_lock(self.redis, token, record.instance_id)
                    logger.info(
                        "token %s: socket record of gone instance %s ignored%s",
                        token,
                        record.instance_id,
                        " and its state lock broken" if broken else "",
                    )
                return None
            if attempt < GRACE_CHECKS:
                await asyncio.sleep(GRACE_S)
        return record

    # -- Reflex's interface --------------------------------------------------------------------
    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        """Link a token to a socket; a new token only if a live socket already holds it."""
        if (record := self.token_to_socket.get(token)) is not None and record.sid == sid:
            return None  # the same socket again
        self._ensure_socket_record_task()
        await self._announced()
        try:
            taken = await self.live_record(token) is not None
        except Exception as exc:  # Redis away: the local check only, as Reflex does
            logger.error("Redis error checking token %s: %s", token, exc)
            new_token = await LocalTokenManager.link_token_to_sid(self, token, sid)
            linked = new_token or token
            self._unstored[linked] = self.token_to_socket[linked]
            return new_token
        new_token = None
        if taken:
            token = new_token = _get_new_token()
        record = self.token_to_socket[token] = SocketRecord(instance_id=self.instance_id, sid=sid)
        self.sid_to_token[sid] = token
        if await self._store_socket_record(token, record):
            self._unstored.pop(token, None)
        else:
            self._unstored[token] = record
        return new_token

    async def disconnect_token(self, token: str, sid: str) -> None:
        """Forget the socket; delete its record now, or once Redis answers again."""
        record = self.token_to_socket.get(token)
        if record is None or record.sid != sid or record.instance_id != self.instance_id:
            return
        await LocalTokenManager.disconnect_token(self, token, sid)
        if self._unstored.pop(token, None) is not None:
            return  # never reached Redis
        try:
            # only while it still holds this exact record (a newer link may own it now)
            await delete_if_same(self.redis, self._get_redis_key(token), pickle.dumps(record))
        except Exception as exc:
            logger.warning("Redis error deleting token %s (retried later): %s", token, exc)
            self._undeleted[token] = record

    async def _flush_pending(self) -> None:
        """Store and delete the records Redis missed while it was away."""
        for token, record in list(self._unstored.items()):
            if self.token_to_socket.get(token) != record:
                self._unstored.pop(token, None)
                continue
            await self.redis.set(
                self._get_redis_key(token), pickle.dumps(record), ex=self.token_expiration, nx=True
            )
            self._unstored.pop(token, None)
        for token, record in list(self._undeleted.items()):
            # only while it still holds this exact record (a newer link may own it now)
            await delete_if_same(self.redis, self._get_redis_key(token), pickle.dumps(record))
            self._undeleted.pop(token, None)

    async def close(self) -> None:
        """Stop announcing (the instance is gone at once for the others), then close."""
        task, self._alive_task = self._alive_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.redis.delete(alive_key(self.instance_id))
        await super().close()


def install(event_namespace: object) -> bool:
    """Put a :class:`LiveTokenManager` in place of Reflex's Redis token manager, if it has one
    (with Redis state; the embedded mode's local manager has no records to outlive a worker).
    Returns whether it did."""
    manager = getattr(event_namespace, "_token_manager", None)
    if isinstance(manager, LiveTokenManager) or not isinstance(manager, RedisTokenManager):
        return False
    event_namespace._token_manager = LiveTokenManager.replacing(manager)  # type: ignore[attr-defined]
    return True
