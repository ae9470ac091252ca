"""Faults under load; each prints what it checked and exits non-zero if anything is lost.

    python scripts/faults.py kill-worker    scaled: kill -9 one granian worker during load
    python scripts/faults.py restart-app    embedded: stop and restart the whole app
    python scripts/faults.py redis          scaled: stop Redis for a few seconds during load
    python scripts/faults.py postgres       scaled: stop PostgreSQL for a few seconds during load
    python scripts/faults.py all            every fault above, in that order (make faults)

Witnesses are citizens (``scripts/load.py``) that type a query of their own before the fault
(SearchState.typed, kept in the state manager: Redis or the disk) and then stay connected while
a background crowd keeps doing journeys. After the fault every witness must be connected again
by itself, and a reload of its tab (a new connection with the same session token) must hydrate
what it typed; searches and guides must answer again. Background actions cut off by the fault
are counted and printed (the citizen saw the connection banner and does them again), not
counted as lost: only state that was acknowledged before the fault must survive.

Drafts and submissions are checked by :func:`check_flow` once the application flow lands.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import load  # noqa: E402
from scripts import scaled as stack  # noqa: E402

WITNESSES = int(os.environ.get("FAULT_WITNESSES", "60"))
BACKGROUND = int(os.environ.get("FAULT_BACKGROUND", "200"))
OUTAGE_S = float(os.environ.get("FAULT_OUTAGE_S", "5"))
RECOVER_S = float(os.environ.get("FAULT_RECOVER_S", "60"))


class Checks:
    def __init__(self, name: str) -> None:
        self.name = name
        self.failed: list[str] = []

    def check(self, ok: bool, what: str) -> None:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        if not ok:
            self.failed.append(what)


async def wait_for(predicate: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until predicate() held, or None after timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        await asyncio.sleep(0.25)
    return None


async def witnesses_type(crowd: load.Crowd) -> dict[str, str]:
    """Every witness types its own query; returns token -> acknowledged text."""
    typed: dict[str, str] = {}
    for i, citizen in enumerate(crowd.citizens):
        text = f"社保卡补办 见证{i:04d}"
        ok = await citizen.event(
            "witness_type", load.SEARCH_TYPE, {"value": text},
            load.has(load.SEARCH_STATE, "suggestions_rx_state_"),
        )  # fmt: skip
        if ok:
            typed[citizen.token] = text
    return typed


RELOAD_STATS = load.Stats()


async def reload_and_read(target: load.Target, token: str, session: object) -> str | None:
    """A reload of the witness's tab: a new socket with the same token; what it typed."""
    tab = load.Citizen(target, RELOAD_STATS, session)
    tab.token = token
    tab.path = "/"  # home has no on_load: /search's would reset typed from its URL
    try:
        for _ in range(3):  # a tab keeps retrying; so does this reload
            if await tab.connect():
                return tab.state.get(load.SEARCH_STATE, {}).get("typed_rx_state_")
            await tab.close()
            await asyncio.sleep(1)
        return None
    finally:
        await tab.close()


def check_flow(checks: Checks) -> None:
    """HOOK for the application flow (issue 5): after the fault, every acknowledged draft must
    load again with its content and every acknowledged submission must exist exactly once in
    the database. Nothing to check until the flow is on this branch (no flow state, no table);
    said so rather than passed silently."""
    print("  [--] drafts and submissions: the application flow is not on this branch yet")


async def under_load(
    checks: Checks,
    url: str,
    codes: list[str],
    fault: Callable[[], object],
    recover: Callable[[], object],
) -> None:
    target = load.Target(url, codes, load.search_queries(), think=(1.0, 3.0), timeout_s=10)
    witnesses = load.Crowd(target)
    background = load.Crowd(target)
    try:
        await witnesses.grow(WITNESSES, rate=50, live=False)
        checks.check(witnesses.connected == WITNESSES, f"{WITNESSES} witnesses connected")
        typed = await witnesses_type(witnesses)
        witness_tokens = {id(c): c.token for c in witnesses.citizens}
        checks.check(len(typed) == WITNESSES, f"{len(typed)} witnesses typed a query of their own")
        await background.grow(BACKGROUND, rate=100)
        await asyncio.sleep(5)
        before = sum(background.stats.errors.values())
        print(f"  fault: {fault.__doc__ or fault.__name__}", flush=True)
        fault_at = time.monotonic()
        await asyncio.to_thread(fault)
        await asyncio.sleep(OUTAGE_S)
        await asyncio.to_thread(recover)
        recovered_at = time.monotonic()
        took = await wait_for(
            lambda: witnesses.connected == WITNESSES and background.connected == BACKGROUND,
            RECOVER_S,
        )
        checks.check(
            took is not None,
            f"every citizen connected again by itself ({witnesses.connected}/{WITNESSES} "
            f"witnesses, {background.connected}/{BACKGROUND} background"
            + (
                f", {took:.1f} s after recovery)"
                if took is not None
                else f" after {RECOVER_S:.0f} s)"
            ),
        )
        # actions in flight at the fault either get their answer late or time out (10 s)
        await asyncio.sleep(target.timeout_s + 2)
        outage = [ms for v in background.stats.window(fault_at, recovered_at).values() for ms in v]
        late = time.monotonic() - 2
        after = [ms for v in background.stats.window(late, time.monotonic()).values() for ms in v]
        print(
            f"  reconnects: {witnesses.stats.reconnects + background.stats.reconnects}; "
            f"background actions without an answer in {target.timeout_s:.0f} s: "
            f"{sum(background.stats.errors.values()) - before}; answered during the outage: "
            f"{len(outage)} (slowest {max(outage, default=0):.0f} ms); answered in the "
            f"last 2 s: {len(after)}",
            flush=True,
        )
        checks.check(bool(after), "the background crowd is being answered again")
        frozen = sum(n for k, n in background.stats.errors.items() if load.FROZEN in k)
        checks.check(
            frozen == 0,
            f"no action hung with its socket open during the fault ({frozen} did: those pages "
            "showed no connection banner, they looked frozen)",
        )
        session = await witnesses._http()
        survived = 0
        answers: dict[str, int] = {}
        for citizen in witnesses.citizens:
            # a reload: the page disconnects (pagehide), the new page connects with the same
            # session token (a second live socket with it would count as a duplicated tab)
            await citizen.close()
            original = witness_tokens[id(citizen)]
            if original not in typed:
                continue
            if citizen.token != original:
                # the server's duplicate-tab check gave the tab a new token: fresh state
                answers["given a new token on reconnect"] = (
                    answers.get("given a new token on reconnect", 0) + 1
                )
                continue
            got = await reload_and_read(target, citizen.token, session)
            if got == typed[citizen.token]:
                survived += 1
            else:
                key = "no hydrate after 3 tries" if got is None else f"hydrated {got!r}"
                answers[key] = answers.get(key, 0) + 1
        print(
            f"  new tokens given by the server's duplicate-tab check: "
            f"{witnesses.stats.new_tokens} on reconnects, {RELOAD_STATS.new_tokens} on reloads",
            flush=True,
        )
        checks.check(
            survived == len(typed),
            f"state survived: {survived}/{len(typed)} reloaded tabs hydrate what they typed"
            + (f" (others: {answers})" if answers else ""),
        )
        probe = load.Crowd(target)
        await probe.grow(10, rate=20, live=False)
        answered = 0
        for citizen in probe.citizens:
            errors = sum(probe.stats.errors.values())
            await citizen.search()
            await citizen.open_guide()
            answered += sum(probe.stats.errors.values()) == errors
        await probe.close()
        checks.check(
            answered == 10, f"after recovery {answered}/10 new citizens searched and opened a guide"
        )
        check_flow(checks)
    finally:
        await background.close()
        await witnesses.close()


def kill_worker(checks: Checks, app: stack.Running) -> None:
    codes = load.catalogue_codes(stack.pg_url())
    workers = app.worker_pids()
    checks.check(len(workers) == 3, f"3 granian workers running ({workers})")
    victim: list[int] = []

    def fault() -> None:
        """kill -9 one granian worker"""
        victim.append(app.worker_pids()[0])
        os.kill(victim[0], signal.SIGKILL)

    asyncio.run(under_load(checks, app.base_url, codes, fault, lambda: None))
    now = app.worker_pids()
    checks.check(
        len(now) == 3 and victim[0] not in now,
        f"granian replaced worker {victim[0]}: workers now {now}",
    )


@contextlib.contextmanager
def embedded(port: int) -> Iterator[str]:
    log = ROOT / "reports" / f"faults-embedded-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PORT": str(port), "REFLEX_WEB_WORKDIR": ".web-faults",
           "REFLEX_STATES_WORKDIR": ".states-faults"}  # fmt: skip
    env.pop("REFLEX_REDIS_URL", None)
    env.pop("REFLEX_DB_URL", None)
    with log.open("ab") as out:
        proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        stack.wait_ready(f"http://127.0.0.1:{port}", [proc], log, 900)
        yield f"http://127.0.0.1:{port}"
    finally:
        stack.stop_process(proc)


def restart_app(checks: Checks) -> None:
    codes = load.catalogue_codes(f"sqlite:///{ROOT / 'yiwang.db'}")
    port = stack.free_port()
    holder: dict[str, contextlib.ExitStack] = {"app": contextlib.ExitStack()}
    url = holder["app"].enter_context(embedded(port))

    def fault() -> None:
        """stop the whole embedded app (SIGTERM to its process group)"""
        holder["app"].close()

    def recover() -> None:
        holder["app"] = contextlib.ExitStack()
        holder["app"].enter_context(embedded(port))

    global RECOVER_S
    RECOVER_S = max(RECOVER_S, 600)  # run.sh rebuilds the frontend before it serves again
    try:
        asyncio.run(under_load(checks, url, codes, fault, recover))
    finally:
        holder["app"].close()


def outage(checks: Checks, app: stack.Running, which: str) -> None:
    codes = load.catalogue_codes(stack.pg_url())
    stop, start = {
        "redis": (stack.stop_redis, stack.start_redis),
        "postgres": (stack.stop_postgres, stack.start_postgres),
    }[which]

    port = stack.REDIS_PORT if which == "redis" else stack.PG_PORT

    def fault() -> None:
        stop()
        checks.check(not stack.port_open(port), f"{which} is down (port {port} closed)")

    fault.__doc__ = f"stop {which} for {OUTAGE_S:g} s, then start it again"
    asyncio.run(under_load(checks, app.base_url, codes, fault, start))
    checks.check(app.backend.poll() is None, "the app itself kept running")


# Faults on the scaled stack share one running app (one frontend build); restart-app has its own.
SCALED = {
    "kill-worker": kill_worker,
    "redis": lambda c, app: outage(c, app, "redis"),
    "postgres": lambda c, app: outage(c, app, "postgres"),
}
FAULTS = ["kill-worker", "restart-app", "redis", "postgres"]


def run_one(name: str, app: stack.Running | None) -> list[str]:
    print(f"\n== fault: {name} (load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])})",
          flush=True)  # fmt: skip
    checks = Checks(name)
    if app is None:
        restart_app(checks)
    else:
        SCALED[name](checks, app)
    return [f"{name}: {f}" for f in checks.failed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("fault", choices=[*FAULTS, "all"])
    args = parser.parse_args(argv)
    names = FAULTS if args.fault == "all" else [args.fault]
    failed: list[str] = []
    try:
        scaled = [n for n in names if n in SCALED]
        if scaled:
            with stack.scaled_app({"REFLEX_WEB_WORKDIR": ".web-faults"}, workers=3) as app:
                for name in scaled:
                    failed += run_one(name, app)
        if "restart-app" in names:
            failed += run_one("restart-app", None)
    except stack.ScaledError as exc:
        failed.append(f"the stack did not start: {exc}")
    print("\n" + ("FAILED:\n  " + "\n  ".join(failed) if failed else "every check passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
