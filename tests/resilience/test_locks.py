"""State locks Redis missed are released once it is back; its keyspace notifications (which
wake lock waiters) are switched on again after a restart. Against a real Redis server."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.exceptions import RedisError
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken

from app.resilience import locks
from app.resilience.tokens import LiveTokenManager
from app.state.search import SearchState

TOKEN = "7a7a7a7a-0000-4000-8000-0000000000aa"


async def eventually(check, seconds: float = 15.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if await check():
            return True
        await asyncio.sleep(0.1)
    return False


def test_a_lock_held_when_redis_went_away_is_released_when_it_is_back(redis_server) -> None:
    async def main() -> None:
        manager = locks.OwnedLockStateManager.replacing(
            StateManagerRedis(redis=Redis.from_url(redis_server.url)), lambda: "worker-1"
        )
        key = locks.lock_key(TOKEN).encode()
        token = BaseStateToken(ident=TOKEN, cls=SearchState)
        try:
            async with manager._lock(token, "event") as lock_id:
                assert lock_id.startswith(b"worker-1|event:")
                redis_server.stop()  # the event cannot release its lock
        except RedisError:
            pass
        else:
            raise AssertionError("releasing without Redis should have failed")
        assert manager.unreleased == {key: lock_id}
        redis_server.start()  # appendonly: the lock comes back with it...
        assert await manager.redis.get(key) in (lock_id, None)
        # ...and is released at once, not after its 10 s expiry
        assert await eventually(lambda: _gone(manager.redis, key), 5.0)
        assert not manager.unreleased
        await manager.close()

    asyncio.run(main())


async def _gone(redis: Redis, key: bytes) -> bool:
    return not await redis.exists(key)


def test_keyspace_notifications_are_switched_on_again_after_a_restart(redis_server) -> None:
    async def main() -> None:
        manager = LiveTokenManager(Redis.from_url(redis_server.url))
        await manager.link_token_to_sid(TOKEN, "sid-1")

        async def notifying() -> bool:
            try:
                value = (await manager.redis.config_get("notify-keyspace-events")).get(
                    "notify-keyspace-events", ""
                )
            except RedisError:
                return False
            return "K" in str(value)

        assert await eventually(notifying)
        redis_server.stop()
        # longer than Reflex's own subscriber tasks keep retrying (5 errors, 1 s apart): they
        # would switch it on again themselves after a short one
        await asyncio.sleep(6)
        redis_server.start()  # a restarted Redis forgets CONFIG SET
        assert await eventually(notifying)
        await manager.close()

    asyncio.run(main())
