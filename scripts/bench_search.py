"""Search benchmark (not a test): generate N synthetic items into a fresh database, load them
(the loader validates in bulk and indexes as it writes), then run mixed queries and time them.

    python -m scripts.bench_search --items 1000000 --queries 10000
    REFLEX_DB_URL=postgresql+psycopg://user@host:port/db python -m scripts.bench_search

SQLite by default (a file in the work directory). With ``REFLEX_DB_URL`` (or ``--db-url``) on
PostgreSQL the bench creates a database of its own on that server (``yw_bench_<pid>``), and
drops it afterwards: the server's other databases are never touched.

Prints build time, index size, peak memory, a table of query latency p50/p95/p99 per query
type of the labelled evaluation set (the queries run in turn, then drawn at random), and last
a JSON object with items, build_s (wall) and build_cpu_s (CPU of the loader and its worker
processes), index_mb, peak_mb, queries, p50_ms, p95_ms, p99_ms (wall), cpu_p50/p95/p99_ms
(each query's CPU time in this process), load_avg (the machine's, at the end) and by_type.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _cpu_s() -> float:
    """CPU seconds (user and system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path,
                        help="keep the data here, and reuse items generated there before "
                        "for the same --items and --seed (default: a temp dir)")  # fmt: skip
    parser.add_argument("--db-url", default=os.environ.get("REFLEX_DB_URL"),
                        help="a PostgreSQL server to bench on (default: SQLite)")  # fmt: skip
    args = parser.parse_args()

    from app.catalogue.db import get_engine
    from app.catalogue.generator import write_items

    work = args.workdir or Path(tempfile.mkdtemp(prefix="yw-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    data, db = work / "items.jsonl", work / "bench.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    stamp = data.with_suffix(".made")  # what items.jsonl holds, when the work dir is kept
    made = f"{args.items} {args.seed}"
    if args.workdir and stamp.exists() and stamp.read_text() == made and data.exists():
        print(f"reusing {args.items} generated items in {data}")
    else:
        stamp.unlink(missing_ok=True)
        write_items(args.items, args.seed, data)
        stamp.write_text(made)
        print(f"generated {args.items} items in {time.perf_counter() - started:.1f} s")
    postgres = bool(args.db_url) and args.db_url.startswith("postgresql")
    admin, name = None, ""  # the server, and the bench database made on it (postgres)
    if postgres:
        import sqlalchemy as sa

        server = sa.make_url(args.db_url)
        name = f"yw_bench_{os.getpid()}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine = get_engine(server.set(database=name).render_as_string(hide_password=False))
    else:
        engine = get_engine(f"sqlite:///{db}")
    try:
        return _run(args, engine, data, postgres)
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')


def _run(args: argparse.Namespace, engine: Any, data: Path, postgres: bool) -> int:
    import sqlalchemy as sa

    from app.catalogue.db import upgrade
    from app.ingest import load_files
    from app.search.evaluate import DEFAULT_SET, load_cases
    from app.search.service import search

    upgrade(engine)
    cpu_before = _cpu_s()
    started = time.perf_counter()
    report = load_files([data], engine, progress=sys.stderr.isatty())
    build_s = time.perf_counter() - started
    # CPU seconds of the build, this process and the worker processes that validated: on a
    # shared machine the wall time also counts the time others had the CPU
    build_cpu_s = _cpu_s() - cpu_before
    if not report.ok:
        print(f"load failed: {report.problems[:3]}", file=sys.stderr)
        return 1
    with engine.connect() as conn:
        if postgres:
            size = conn.execute(
                sa.text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "WHERE c.relkind = 'r' AND c.relname LIKE :like"
                ),
                {"like": "search%"},
            ).scalar()
        else:
            size = conn.exec_driver_sql(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%'"
            ).scalar()
    index_mb = float(size or 0) / 1e6
    print(
        f"loaded and indexed in {build_s:.1f} s ({build_cpu_s:.1f} CPU s); index {index_mb:.1f} MB"
    )

    cases = load_cases(DEFAULT_SET)
    rng = random.Random(args.seed)
    latencies: list[float] = []
    cpu_ms: list[float] = []  # CPU time of each query in this process (without the database
    # server's on PostgreSQL): what the query costs whoever else runs on the machine
    by_type: dict[str, list[float]] = {}
    with engine.connect() as conn:
        for warm in ("预热", "yure"):  # load jieba's and pypinyin's dictionaries once
            search(conn, warm, province="shandong")
        for i in range(args.queries):
            case = cases[i] if i < len(cases) else rng.choice(cases)
            t0, c0 = time.perf_counter(), time.process_time()
            search(conn, case.q, province=case.province, limit=10)
            ms = (time.perf_counter() - t0) * 1000
            cpu_ms.append((time.process_time() - c0) * 1000)
            latencies.append(ms)
            by_type.setdefault(case.type, []).append(ms)

    def pct(values: list[float], p: float) -> float:
        values = sorted(values)
        return round(values[min(len(values) - 1, int(p * len(values)))], 2)

    print(f"{'type':<12}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    types = {}
    # the first pass runs every query once, before the query-understanding cache knows it
    first = ("first pass", latencies[: len(cases)])
    for name, values in [*sorted(by_type.items()), first, ("all", latencies)]:
        row = {"n": len(values), **{f"p{p}_ms": pct(values, p / 100) for p in (50, 95, 99)}}
        print(f"{name:<12}{row['n']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}")
        if name in by_type:
            types[name] = row

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "database": engine.dialect.name,
        "items": args.items,
        "build_s": round(build_s, 1),
        "build_cpu_s": round(build_cpu_s, 1),
        "index_mb": round(index_mb, 1),
        "peak_mb": round(peak_mb, 1),
        "queries": len(latencies),
        "p50_ms": pct(latencies, 0.50),
        "p95_ms": pct(latencies, 0.95),
        "p99_ms": pct(latencies, 0.99),
        "first_pass_p95_ms": pct(first[1], 0.95),
        "cpu_p50_ms": pct(cpu_ms, 0.50),
        "cpu_p95_ms": pct(cpu_ms, 0.95),
        "cpu_p99_ms": pct(cpu_ms, 0.99),
        "load_avg": round(os.getloadavg()[0], 1),
        "by_type": types,
    }
    print(
        f"{summary['queries']} queries: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
        f"p99 {summary['p99_ms']} ms (CPU p95 {summary['cpu_p95_ms']} ms); build "
        f"{summary['build_s']} s ({summary['build_cpu_s']} CPU s); load average "
        f"{summary['load_avg']}; index "
        f"{summary['index_mb']} MB; peak memory {summary['peak_mb']} MB"
    )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
