"""Socket records of dead workers are ignored; real duplicate tabs still get a new token.
Against a real Redis server, with a real worker process killed by SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

from redis.asyncio import Redis
from reflex.utils.token_manager import RedisTokenManager

from app.resilience import locks, tokens
from app.resilience.tokens import LiveTokenManager

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "5f0c2d0e-0000-4000-8000-00000000beef"

WORKER = textwrap.dedent(
    """
    import asyncio, sys
    from redis.asyncio import Redis
    from reflex.istate.manager.redis import StateManagerRedis
    from reflex.istate.manager.token import BaseStateToken
    from app.resilience.locks import OwnedLockStateManager
    from app.resilience.tokens import LiveTokenManager
    from app.state.search import SearchState

    async def main():
        manager = LiveTokenManager(Redis.from_url(sys.argv[1]))
        assert await manager.link_token_to_sid(sys.argv[2], "sid-on-the-killed-worker") is None
        states = OwnedLockStateManager.replacing(
            StateManagerRedis(redis=Redis.from_url(sys.argv[1])), lambda: manager.instance_id
        )
        # killed in the middle of an event: holding the tab's state lock
        async with states._lock(BaseStateToken(ident=sys.argv[2], cls=SearchState), "event"):
            print(manager.instance_id, flush=True)
            await asyncio.sleep(600)

    asyncio.run(main())
    """
)


def run(redis_url: str, body: Callable[..., Awaitable[None]], *kinds: type) -> None:
    """Run ``body(manager, ...)`` with one manager per kind (each a worker), then close them."""

    async def main() -> None:
        managers = [kind(Redis.from_url(redis_url)) for kind in kinds]
        try:
            await body(*managers)
        finally:
            for manager in managers:
                await manager.close()

    asyncio.run(main())


def killed_worker_holding(redis_url: str, token: str) -> str:
    """A worker process links ``token`` and is killed with SIGKILL; returns its instance id."""
    with subprocess.Popen(
        [sys.executable, "-c", WORKER, redis_url, token],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as proc:  # fmt: skip
        assert proc.stdout is not None
        instance = proc.stdout.readline().strip()
        assert instance, "the worker process did not link its token"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    return instance


def test_a_killed_workers_tab_keeps_its_token_and_its_lock_is_broken(redis_server) -> None:
    dead = killed_worker_holding(redis_server.url, TOKEN)

    async def body(survivor: LiveTokenManager) -> None:
        # the record and the lock are still there: nobody deleted them
        assert await survivor.redis.exists(survivor._get_redis_key(TOKEN))
        held = await survivor.redis.get(locks.lock_key(TOKEN))
        assert held is not None and held.startswith(f"{dead}|event:".encode())
        assert await survivor.redis.pttl(locks.lock_key(TOKEN)) > 5_000  # would block ~10 s
        assert not await survivor.instance_alive(dead)
        assert await survivor.link_token_to_sid(TOKEN, "sid-after-reconnect") is None
        assert not await survivor.redis.exists(locks.lock_key(TOKEN))
        assert survivor.token_to_socket[TOKEN].sid == "sid-after-reconnect"
        record = await survivor.live_record(TOKEN)
        assert record is not None and record.instance_id == survivor.instance_id

    run(redis_server.url, body, LiveTokenManager)


def test_reflexs_own_manager_gives_that_tab_a_new_token(redis_server) -> None:
    """The bug this fixes, shown on the same setup (so the test above can fail)."""
    killed_worker_holding(redis_server.url, TOKEN)

    async def body(survivor: RedisTokenManager) -> None:
        assert await survivor.link_token_to_sid(TOKEN, "sid-after-reconnect") is not None

    run(redis_server.url, body, RedisTokenManager)


def test_a_duplicated_tab_still_gets_a_new_token(redis_server) -> None:
    async def body(first: LiveTokenManager, second: LiveTokenManager) -> None:
        assert await first.link_token_to_sid(TOKEN, "sid-1") is None
        assert await second.instance_alive(first.instance_id)
        new = await second.link_token_to_sid(TOKEN, "sid-2")
        assert new is not None and new != TOKEN
        assert second.sid_to_token["sid-2"] == new
        # on the same worker too
        again = await first.link_token_to_sid(TOKEN, "sid-3")
        assert again is not None and again != TOKEN

    run(redis_server.url, body, LiveTokenManager, LiveTokenManager)


def test_a_reload_whose_old_socket_is_still_closing_keeps_its_token(redis_server) -> None:
    async def body(first: LiveTokenManager, second: LiveTokenManager) -> None:
        assert await first.link_token_to_sid(TOKEN, "sid-old") is None

        async def close_old_socket() -> None:
            await asyncio.sleep(tokens.GRACE_S * 0.5)
            await first.disconnect_token(TOKEN, "sid-old")

        closing = asyncio.create_task(close_old_socket())
        assert await second.link_token_to_sid(TOKEN, "sid-new") is None
        await closing

    run(redis_server.url, body, LiveTokenManager, LiveTokenManager)


def test_a_leftover_record_of_this_worker_is_stale(redis_server) -> None:
    async def body(manager: LiveTokenManager) -> None:
        assert await manager.link_token_to_sid(TOKEN, "sid-gone") is None
        # the socket went away but its record stayed (its delete failed)
        manager.token_to_socket.pop(TOKEN)
        manager.sid_to_token.pop("sid-gone")
        assert await manager.link_token_to_sid(TOKEN, "sid-back") is None

    run(redis_server.url, body, LiveTokenManager)


def test_records_redis_missed_are_stored_and_deleted_when_it_is_back(redis_server) -> None:
    async def body(manager: LiveTokenManager) -> None:
        key = manager._get_redis_key
        assert await manager.link_token_to_sid(TOKEN, "sid-1") is None
        redis_server.stop()
        await manager.disconnect_token(TOKEN, "sid-1")  # Redis away: delete fails
        assert TOKEN in manager._undeleted
        other = "5f0c2d0e-0000-4000-8000-00000000cafe"
        assert await manager.link_token_to_sid(other, "sid-2") is None  # store fails
        assert other in manager._unstored
        redis_server.start()
        assert await manager.redis.exists(key(TOKEN))  # appendonly: the stale record is back
        await manager._flush_pending()
        assert not await manager.redis.exists(key(TOKEN))
        assert await manager.redis.exists(key(other))
        assert not manager._undeleted and not manager._unstored

    run(redis_server.url, body, LiveTokenManager)


def test_a_worker_that_closes_is_gone_at_once(redis_server) -> None:
    async def body(first: LiveTokenManager, second: LiveTokenManager) -> None:
        await first.link_token_to_sid(TOKEN, "sid-1")
        assert await second.instance_alive(first.instance_id)
        await first.close()
        assert not await second.instance_alive(first.instance_id)

    run(redis_server.url, body, LiveTokenManager, LiveTokenManager)


def test_install_replaces_only_reflexs_redis_manager(redis_server) -> None:
    class Namespace:
        pass

    async def body() -> None:
        namespace = Namespace()
        namespace._token_manager = RedisTokenManager(Redis.from_url(redis_server.url))
        assert tokens.install(namespace)
        assert isinstance(namespace._token_manager, LiveTokenManager)
        assert not tokens.install(namespace)
        await namespace._token_manager.close()

    asyncio.run(body())


def test_a_live_workers_lock_is_not_broken(redis_server) -> None:
    async def body(first: LiveTokenManager) -> None:
        key = locks.lock_key(TOKEN)
        await first.redis.set(key, f"{first.instance_id}|event:1".encode(), px=10_000)
        assert not await locks.break_dead_lock(first.redis, TOKEN, "another-instance")
        assert await first.redis.exists(key)
        assert await locks.break_dead_lock(first.redis, TOKEN, first.instance_id)
        assert not await first.redis.exists(key)

    run(redis_server.url, body, LiveTokenManager)


def test_install_puts_owned_locks_in_place_of_reflexs_redis_state_manager(redis_server) -> None:
    from reflex.istate.manager.redis import StateManagerRedis

    class App:
        pass

    app = App()
    app._state_manager = StateManagerRedis(redis=Redis.from_url(redis_server.url))
    assert locks.install(app, lambda: "me")
    assert isinstance(app._state_manager, locks.OwnedLockStateManager)
    assert app._state_manager.owner() == "me"
    assert not locks.install(app, lambda: "me")
