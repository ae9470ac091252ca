"""The faults themselves: kill a worker, restart the embedded app, stop Redis, PostgreSQL or
the cashier, each under load (``SCALED`` share one running stack; restart-app has its own)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator

from scripts import scaled as stack
from scripts.faults import cashier
from scripts.faults.common import OUTAGE_S, PAY_WITNESSES, RECOVER_S, ROOT, Checks
from scripts.faults.underload import under_load
from scripts.loadgen.crowd import run_loop
from scripts.loadgen.data import (
    catalogue_codes,
)


def cashier_outage(checks: Checks, app: stack.Running) -> None:
    process = cashier.CASHIER
    assert process is not None
    codes = catalogue_codes(stack.pg_url())

    def fault() -> None:
        process.stop()
        checks.check(not stack.port_open(process.port), f"the cashier is down ({process.url})")

    fault.__doc__ = f"stop the cashier for {OUTAGE_S:g} s, then start it again"
    run_loop(
        under_load(
            checks, app.base_url, codes, fault, process.start, stack.pg_url(),
            pay_witnesses=PAY_WITNESSES,
        )
    )  # fmt: skip
    checks.check(app.backend.poll() is None, "the app itself kept running")


def kill_worker(checks: Checks, app: stack.Running) -> None:
    codes = catalogue_codes(stack.pg_url())
    workers = app.worker_pids()
    checks.check(len(workers) == 3, f"3 granian workers running ({workers})")
    victim: list[int] = []

    def fault() -> None:
        """kill -9 one granian worker"""
        victim.append(app.worker_pids()[0])
        os.kill(victim[0], signal.SIGKILL)

    run_loop(under_load(checks, app.base_url, codes, fault, lambda: None, stack.pg_url()))
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
           "REFLEX_STATES_WORKDIR": ".states-faults",
           # one machine plays every citizen from one address (app/security/limits.py)
           "YIWANG_PUBLIC_URL": f"http://127.0.0.1:{port}", "YIWANG_SOCKETS_PER_MINUTE": "0",
           "YIWANG_TOKENS_PER_MINUTE": "0"}  # fmt: skip
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
    db_url = f"sqlite:///{ROOT / 'yiwang.db'}"
    codes = catalogue_codes(db_url)
    port = stack.free_port()
    holder: dict[str, contextlib.ExitStack] = {"app": contextlib.ExitStack()}
    url = holder["app"].enter_context(embedded(port))

    def fault() -> None:
        """stop the whole embedded app (SIGTERM to its process group)"""
        holder["app"].close()

    def recover() -> None:
        holder["app"] = contextlib.ExitStack()
        holder["app"].enter_context(embedded(port))

    try:
        # run.sh rebuilds the frontend before it serves again
        recover_s = max(RECOVER_S, 600)
        run_loop(under_load(checks, url, codes, fault, recover, db_url, recover_s=recover_s))
    finally:
        holder["app"].close()


def outage(checks: Checks, app: stack.Running, which: str) -> None:
    codes = catalogue_codes(stack.pg_url())
    stop, start = {
        "redis": (stack.stop_redis, stack.start_redis),
        "postgres": (stack.stop_postgres, stack.start_postgres),
    }[which]

    port = stack.REDIS_PORT if which == "redis" else stack.PG_PORT

    def fault() -> None:
        stop()
        checks.check(not stack.port_open(port), f"{which} is down (port {port} closed)")

    fault.__doc__ = f"stop {which} for {OUTAGE_S:g} s, then start it again"
    run_loop(under_load(checks, app.base_url, codes, fault, start, stack.pg_url()))
    checks.check(app.backend.poll() is None, "the app itself kept running")


# Faults on the scaled stack share one running app (one frontend build); restart-app has its own.
SCALED = {
    "kill-worker": kill_worker,
    "redis": lambda c, app: outage(c, app, "redis"),
    "postgres": lambda c, app: outage(c, app, "postgres"),
    "cashier": cashier_outage,
}
FAULTS = ["kill-worker", "restart-app", "redis", "postgres", "cashier"]
