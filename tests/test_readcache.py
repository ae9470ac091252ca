"""The read cache for catalogue answers: expiry, bounds, copies, settings."""

from __future__ import annotations

import threading

import pytest

from app.readcache import ReadCache, ReadCacheError, ttl_from_env


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting(values: list[int]):
    def compute() -> dict:
        values.append(1)
        return {"n": len(values), "parts": [["a", True]]}

    return compute


def test_a_fresh_answer_is_reused_and_an_old_one_recomputed() -> None:
    clock, calls = Clock(), []
    cache: ReadCache[dict] = ReadCache(ttl=60, clock=clock)
    assert cache.get_or_compute("q", counting(calls))["n"] == 1
    clock.now += 59
    assert cache.get_or_compute("q", counting(calls))["n"] == 1
    assert (cache.hits, cache.misses) == (1, 1)
    clock.now += 2  # computed 61 s ago: a catalogue change must show within the TTL
    assert cache.get_or_compute("q", counting(calls))["n"] == 2
    assert len(calls) == 2


def test_each_caller_gets_its_own_copy() -> None:
    cache: ReadCache[dict] = ReadCache(ttl=60)
    first = cache.get_or_compute("q", counting([]))
    first["parts"][0][0] = "changed by one citizen's state"
    first["n"] = 99
    again = cache.get_or_compute("q", counting([]))
    assert again == {"n": 1, "parts": [["a", True]]}


def test_least_recently_used_entries_leave_first() -> None:
    cache: ReadCache[int] = ReadCache(ttl=60, size=2)
    cache.get_or_compute("a", lambda: 1)
    cache.get_or_compute("b", lambda: 2)
    cache.get_or_compute("a", lambda: -1)  # a is now the most recent
    cache.get_or_compute("c", lambda: 3)  # b leaves
    assert len(cache) == 2
    assert cache.get_or_compute("a", lambda: -1) == 1
    assert cache.get_or_compute("b", lambda: 20) == 20


def test_zero_ttl_turns_it_off() -> None:
    calls: list[int] = []
    cache: ReadCache[dict] = ReadCache(ttl=0)
    cache.get_or_compute("q", counting(calls))
    cache.get_or_compute("q", counting(calls))
    assert len(calls) == 2 and len(cache) == 0


def test_a_failed_computation_is_not_cached() -> None:
    cache: ReadCache[int] = ReadCache(ttl=60)

    def boom() -> int:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        cache.get_or_compute("q", boom)
    assert cache.get_or_compute("q", lambda: 7) == 7


def test_threads_share_it_safely() -> None:
    cache: ReadCache[int] = ReadCache(ttl=60, size=50)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                key = (i + offset) % 80
                assert cache.get_or_compute(key, lambda k=key: k * 2) == key * 2
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(cache) == 50


@pytest.mark.parametrize(
    ("raw", "message"),
    [("soon", "expected seconds"), ("-5", "must not be negative")],
)
def test_bad_settings_name_the_variable(monkeypatch, raw: str, message: str) -> None:
    monkeypatch.setenv("YIWANG_READ_CACHE_TTL", raw)
    with pytest.raises(ReadCacheError, match=rf"YIWANG_READ_CACHE_TTL={raw!r}.*{message}"):
        ttl_from_env()


def test_the_setting_is_read(monkeypatch) -> None:
    monkeypatch.setenv("YIWANG_READ_CACHE_TTL", "5")
    assert ReadCache().ttl == 5.0
    monkeypatch.delenv("YIWANG_READ_CACHE_TTL")
    assert ReadCache().ttl == 60.0
    with pytest.raises(ReadCacheError, match="size=0"):
        ReadCache(size=0)


def test_off_loop_answers_hits_at_once_and_computes_misses_in_a_thread() -> None:
    import asyncio

    cache: ReadCache[dict] = ReadCache(ttl=60)
    threads: list[str] = []

    def compute() -> dict:
        threads.append(threading.current_thread().name)
        return {"n": 1}

    async def twice() -> tuple[dict, dict]:
        first = await cache.get_or_compute_off_loop("q", compute)
        return first, await cache.get_or_compute_off_loop("q", compute)

    first, second = asyncio.run(twice())
    assert first == second == {"n": 1} and first is not second
    assert len(threads) == 1 and threads[0] != threading.main_thread().name
    assert cache.fresh("missing") == (False, None)


def test_while_one_caller_recomputes_an_expired_answer_the_others_get_the_old_one() -> None:
    clock = Clock()
    cache: ReadCache[dict] = ReadCache(ttl=60, clock=clock)
    cache.get_or_compute("q", lambda: {"n": 1})
    clock.now += 61
    seen_meanwhile: list[dict] = []

    def slow_recompute() -> dict:
        # another citizen asks while this one recomputes: no second computation, old answer
        seen_meanwhile.append(cache.get_or_compute("q", lambda: {"n": -1}))
        seen_meanwhile.append(cache.fresh("q")[1])
        return {"n": 2}

    assert cache.get_or_compute("q", slow_recompute) == {"n": 2}
    assert seen_meanwhile == [{"n": 1}, {"n": 1}]
    assert cache.get_or_compute("q", lambda: {"n": -1}) == {"n": 2}
    clock.now += 121  # two TTLs old and nobody recomputing: never served any more
    assert cache.get_or_compute("q", lambda: {"n": 3}) == {"n": 3}
