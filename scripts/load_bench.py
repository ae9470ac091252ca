"""``make load``: how many connected citizens each mode serves at p95 <= 200 ms.

For the embedded mode (1 worker, SQLite, state on disk: ``scripts/run.sh``) and the scaled mode
(3 granian workers, PostgreSQL, Redis, nginx: ``scripts/scaled/``), citizens from
``scripts/load.py`` are added in steps; at each step every citizen keeps doing journeys (home,
search, guide, and one in ten a form: sign in, a draft saved on every question page, half of
them submitted), and the round trips of one measuring window give p50/p95, events per second,
the search p95 and the drafts' and submissions' p95. The ramp stops at the first step over the
p95 budget or with errors. Memory per client is the growth of the server processes' RSS (app
processes, plus Redis in scaled mode) from before the first citizen to the largest step.

Two think-time models (``scripts/load.py``):

- ``paced`` (``embedded`` and ``scaled``): each page takes a citizen the time using it takes
  (results scanned in 5-15 s, a guide read in 20-60 s, a question page answered in 15-45 s);
- ``busy`` (``scaled-busy``, on the same scaled stack): 5-15 s between any two actions and a
  form's pages sent back to back, about three times as many events per citizen: a stress
  figure, and what earlier versions of this script measured.

Prints a table per mode; the last line is JSON with ``embedded_max_clients``,
``scaled_max_clients``, ``scaled_p95_ms``, ``mb_per_client`` (paced) and the same figures of
the busy crowd (``scaled_busy_*``).

Environment: ``LOAD_MODES`` (``embedded,scaled,scaled-busy``), ``LOAD_STEPS`` (client counts of
the paced ramps, default 250 to 3,000), ``LOAD_BUSY_STEPS`` (100 to 2,000), ``LOAD_BUSY_THINK``
(``5,15`` seconds), ``LOAD_WINDOW_S`` (30), ``LOAD_SETTLE_S`` (paced: 30 s after a step's
newcomers connected, before its window), ``LOAD_P95_MS`` (200), ``LOAD_WORKERS`` (scaled
workers, 3), ``LOAD_RATE`` (new connections per second, 150).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scripts import load
from scripts.loadgen.citizen import PACED, Target
from scripts.loadgen.crowd import MAX_CLIENTS, Crowd, run_loop
from scripts.loadgen.data import catalogue_codes, flow_codes, remove_synthetic_rows, search_queries
from scripts.loadgen.report import percentile, print_table, summarize
from scripts.scaled import (
    descendants,
    free_port,
    pg_url,
    redis_dir,
    scaled_app,
    stop_process,
    wait_ready,
)

ROOT = Path(__file__).resolve().parent.parent


class SettingError(ValueError):
    """A bad LOAD_* setting; the message names the variable and its value."""


def steps(name: str, default: str) -> list[int]:
    """Client counts from ``name`` (comma-separated, increasing, 1 to MAX_CLIENTS)."""
    raw = os.environ.get(name, default)
    try:
        counts = [int(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        raise SettingError(f"{name}={raw!r}: expected client counts like 250,500,1000") from None
    if (
        not counts
        or counts != sorted(set(counts))
        or not 1 <= counts[0] <= counts[-1] <= MAX_CLIENTS
    ):
        raise SettingError(
            f"{name}={raw!r}: expected increasing client counts from 1 to {MAX_CLIENTS:,}"
        )
    return counts


def seconds(name: str, default: str, least: float = 0.0) -> float:
    raw = os.environ.get(name, default)
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r}: expected a number") from None
    if value < least:
        raise SettingError(f"{name}={raw!r}: must be at least {least:g}")
    return value


def busy_think(name: str = "LOAD_BUSY_THINK", default: str = "5,15") -> tuple[float, float]:
    raw = os.environ.get(name, default)
    try:
        think = load.parse_think(raw)
    except Exception as exc:  # argparse.ArgumentTypeError names --think: say the variable
        raise SettingError(f"{name}={raw!r}: expected MIN,MAX seconds ({exc})") from None
    if think is None:
        raise SettingError(f"{name}={raw!r}: the busy crowd needs MIN,MAX seconds, not paced")
    return think


try:
    STEPS = steps("LOAD_STEPS", "250,500,750,1000,1500,2000,2500,3000")
    BUSY_STEPS = steps("LOAD_BUSY_STEPS", "100,250,500,750,1000,1250,1500,1750,2000")
    BUSY_THINK = busy_think()
    WINDOW_S = seconds("LOAD_WINDOW_S", "30", least=1)
    SETTLE_S = seconds("LOAD_SETTLE_S", "30")
    BUDGET_MS = seconds("LOAD_P95_MS", "200", least=1)
    RATE = seconds("LOAD_RATE", "150", least=1)
except SettingError as exc:
    print(f"make load: {exc}", file=sys.stderr)
    sys.exit(2)
MAX_ERROR_RATE = 0.01


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


@contextlib.contextmanager
def embedded_app() -> Iterator[tuple[str, subprocess.Popen]]:
    """scripts/run.sh (one worker, SQLite, disk state) on a free port, its own build dir."""
    port = free_port()
    log = ROOT / "reports" / f"load-embedded-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PORT": str(port), "REFLEX_WEB_WORKDIR": ".web-load",
           "REFLEX_STATES_WORKDIR": ".states-load",
           # one machine plays thousands of citizens from one address (app/security/limits.py)
           "YIWANG_PUBLIC_URL": f"http://127.0.0.1:{port}", "YIWANG_SOCKETS_PER_MINUTE": "0",
           "YIWANG_TOKENS_PER_MINUTE": "0", "YIWANG_UPLOADS_PER_MINUTE": "1000"}  # fmt: skip
    env.pop("REFLEX_REDIS_URL", None)
    env.pop("REFLEX_DB_URL", None)
    with log.open("ab") as out:
        proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{port}", [proc], log, 900)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop_process(proc)


def redis_pids() -> list[int]:
    with contextlib.suppress(OSError, ValueError):
        return [int((redis_dir() / "redis.pid").read_text().strip())]
    return []


async def ramp(
    mode: str, url: str, codes: list[str], server_pids: Any, flows: list[str], busy: bool = False
) -> dict[str, Any]:
    """Warm up, then step the crowd up until the p95 budget or errors are exceeded."""
    target = Target(url, codes, search_queries(), think=BUSY_THINK, timeout_s=10,
                         flow_codes=flows, pace=None if busy else PACED)  # fmt: skip
    # warm-up: every worker loads the tokenizer and the catalogue before anything is measured
    warm = Crowd(target)
    await warm.grow(12, rate=20, live=False)
    for citizen in warm.citizens:
        await citizen.search()
        await citizen.open_guide()
    await warm.close()
    await asyncio.sleep(2)
    rss_before = rss_mb(server_pids())
    crowd = Crowd(target)
    rows: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None
    try:
        for step in BUSY_STEPS if busy else STEPS:
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            errors0 = sum(crowd.stats.errors.values())
            kinds0 = dict(crowd.stats.errors)
            await crowd.grow(step, rate=RATE)
            # let the connection burst settle; a paced crowd's newcomers first go through
            # their first pages and sign-ins (a paced journey lasts about half a minute):
            # a transient of the step, not the steady state it measures
            await asyncio.sleep(5 if busy else SETTLE_S)
            since = time.monotonic()
            server_cpu0 = cpu_s(server_pids())
            await asyncio.sleep(WINDOW_S)
            until = time.monotonic()
            server_cpu = cpu_s(server_pids()) - server_cpu0
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            summary = summarize(crowd.stats, since, until)
            errors = sum(crowd.stats.errors.values()) - errors0
            search = [ms for k in ("search_type", "search_page")
                      for ms in crowd.stats.window(since, until).get(k, [])]  # fmt: skip
            flow = [ms for k in ("draft_save", "submit")
                    for ms in crowd.stats.window(since, until).get(k, [])]  # fmt: skip
            row = {
                "mode": mode,
                "clients": step,
                "connected": crowd.connected,
                "events_per_s": summary["events_per_s"],
                "p50_ms": summary["p50_ms"],
                "p95_ms": summary["p95_ms"],
                "search_p95_ms": round(percentile(search, 95), 1),
                "flow_n": len(flow),
                "flow_p95_ms": round(percentile(flow, 95), 1),
                # tap 去支付 .. receipt shown: cashier page, its notification, the return page
                "payment_n": summary["journeys"].get("payment", {}).get("n", 0),
                "payment_p95_ms": summary["journeys"].get("payment", {}).get("p95_ms"),
                "errors": errors,
                "error_kinds": {
                    k: n - kinds0.get(k, 0)
                    for k, n in crowd.stats.errors.items()
                    if n > kinds0.get(k, 0)
                },
                "rss_mb": round(rss_mb(server_pids()), 1),
                # 100 % = one core; this machine has os.cpu_count() of them
                "server_cpu_pct": round(100 * server_cpu / (until - since), 1),
                "server_ms_per_event": round(1000 * server_cpu / max(summary["events"], 1), 2),
                "client_cpu_pct": round(
                    100
                    * ((cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime))
                    / (until - since + 5),
                    1,
                ),
                "load": Path("/proc/loadavg").read_text().split()[0],
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
            ok = (
                crowd.connected >= step
                and summary["p95_ms"] <= BUDGET_MS
                and errors <= MAX_ERROR_RATE * max(summary["events"], 1)
            )
            if not ok:
                break
            best = row
    finally:
        await crowd.close()
    # memory does not depend on the latency budget: the largest step measured counts
    top = max(rows, key=lambda r: r["connected"]) if rows else None
    mb = ((top["rss_mb"] - rss_before) / top["connected"]) if top and top["connected"] else None
    return {"rows": rows, "best": best, "rss_before_mb": round(rss_before, 1),
            "mb_per_client": round(mb, 3) if mb is not None else None}  # fmt: skip


def main() -> int:
    modes = [
        m.strip()
        for m in os.environ.get("LOAD_MODES", "embedded,scaled,scaled-busy").split(",")
        if m.strip()
    ]
    unknown = set(modes) - {"embedded", "scaled", "scaled-busy"}
    if unknown:
        print(f"LOAD_MODES: unknown {sorted(unknown)} (embedded, scaled, scaled-busy)")
        return 2
    uptime_before = Path("/proc/loadavg").read_text().split()[:3]
    results: dict[str, dict[str, Any]] = {}
    if "embedded" in modes:
        sqlite = f"sqlite:///{ROOT / 'yiwang.db'}"
        codes, flows = catalogue_codes(sqlite), flow_codes(sqlite)
        with embedded_app() as (url, proc):
            results["embedded"] = run_loop(
                ramp("embedded", url, codes, lambda: [proc.pid, *descendants(proc.pid)], flows)
            )
        print(f"removed {remove_synthetic_rows(sqlite)} rows of synthetic citizens", flush=True)
    if "scaled" in modes or "scaled-busy" in modes:
        with scaled_app(
            {
                "REFLEX_WEB_WORKDIR": ".web-load",
                "YIWANG_SOCKETS_PER_MINUTE": "0",
                "YIWANG_TOKENS_PER_MINUTE": "0",
            },
            workers=int(os.environ.get("LOAD_WORKERS", "3")),
        ) as app:
            codes = catalogue_codes(pg_url())  # the services are up (and seeded) now

            def pids() -> list[int]:
                return [
                    *app.server_pids(),
                    app.nginx.pid,
                    *descendants(app.nginx.pid),
                    *redis_pids(),
                ]

            flows = flow_codes(pg_url())
            for mode in ("scaled", "scaled-busy"):
                if mode in modes:
                    results[mode] = run_loop(ramp(mode, app.base_url, codes, pids, flows,
                                                     busy=mode == "scaled-busy"))  # fmt: skip
                    removed = remove_synthetic_rows(pg_url())
                    print(f"removed {removed} rows of synthetic citizens", flush=True)
                    time.sleep(5)  # the closed sockets' states expire; the next ramp starts calm
    rows = [row for r in results.values() for row in r["rows"]]
    print()
    paced = ", ".join(f"{k} {lo:g}-{hi:g} s" for k, (lo, hi) in PACED.items())
    print(f"think time: embedded and scaled paced by page ({paced}); scaled-busy "
          f"{BUSY_THINK[0]:g}-{BUSY_THINK[1]:g} s between any two actions; window {WINDOW_S:g} s "
          f"per step; budget p95 <= {BUDGET_MS:g} ms; load average before "
          f"{' '.join(uptime_before)}")  # fmt: skip
    print_table(rows, [("mode", "mode"), ("clients", "clients"), ("connected", "connected"),
                            ("events_per_s", "events/s"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"),
                            ("search_p95_ms", "search p95"), ("flow_n", "drafts+submits"),
                            ("flow_p95_ms", "their p95"), ("payment_n", "payments"),
                            ("payment_p95_ms", "payment p95"), ("errors", "errors"), ("rss_mb", "RSS MB"),
                            ("server_cpu_pct", "server CPU %"), ("server_ms_per_event", "server ms/event"),
                            ("client_cpu_pct", "client CPU %"), ("load", "load avg")])  # fmt: skip

    def best(mode: str, key: str) -> Any:
        b = results.get(mode, {}).get("best")
        return b[key] if b else None

    summary = {
        "embedded_max_clients": best("embedded", "clients") or 0,
        "embedded_p95_ms": best("embedded", "p95_ms"),
        "embedded_events_per_s": best("embedded", "events_per_s"),
        "embedded_mb_per_client": results.get("embedded", {}).get("mb_per_client"),
        "scaled_max_clients": best("scaled", "clients") or 0,
        "scaled_p95_ms": best("scaled", "p95_ms"),
        "scaled_events_per_s": best("scaled", "events_per_s"),
        "scaled_search_p95_ms": best("scaled", "search_p95_ms"),
        "scaled_flow_p95_ms": best("scaled", "flow_p95_ms"),
        "scaled_busy_payment_p95_ms": best("scaled-busy", "payment_p95_ms"),
        "mb_per_client": results.get("scaled", {}).get("mb_per_client"),
        "scaled_busy_max_clients": best("scaled-busy", "clients") or 0,
        "scaled_busy_p95_ms": best("scaled-busy", "p95_ms"),
        "scaled_busy_events_per_s": best("scaled-busy", "events_per_s"),
        "think": {
            "embedded": "paced",
            "scaled": "paced",
            "scaled-busy": list(BUSY_THINK),
            "paced_s": {k: list(v) for k, v in PACED.items()},
        },
        "loadavg_before": uptime_before,
        "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
    }
    out = ROOT / "reports" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2, ensure_ascii=False))
    print(f"rows and summary written to {out.relative_to(ROOT)}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
