"""Relevance evaluation: ``python -m app.search.evaluate [--set FILE] [--db-url URL]``.

Runs every labelled query through ``search`` on the database, after loading the catalogue of
every province the set names from its folder (when the database lacks it or it changed), prints
one line per miss, MRR and recall@3 per query type, the latency, and last a JSON object with
``mrr``, ``recall_at_3``, ``queries``, ``by_type``, ``p50_ms`` and ``p95_ms``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_SET = Path(__file__).resolve().parent / "eval" / "queries.yaml"
TYPES = (
    "official",
    "colloquial",
    "pinyin",
    "initials",
    "typo",
    "short",
    "traditional",
    "question",
    "mixed",
    "misspelt",
    "business",
    "nonsense",
    "english",
    "uyghur",
)
# A query of this type passes when it returns no hits at all (reciprocal rank 1, else 0).
NEGATIVE = "nonsense"


@dataclass(frozen=True)
class Case:
    q: str
    type: str
    expect: tuple[str, ...]
    province: str


def load_cases(path: Path) -> list[Case]:
    """Read the labelled set; every problem names the file and the entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of queries")
    cases = []
    for i, entry in enumerate(data):
        where = f"{path}: entry {i + 1}"
        if not isinstance(entry, dict) or not {"q", "type", "expect"} <= set(entry):
            raise ValueError(f"{where}: needs q, type and expect")
        if entry["type"] not in TYPES:
            raise ValueError(f"{where}: type {entry['type']!r} is not one of {', '.join(TYPES)}")
        expect = entry["expect"]
        if entry["type"] == NEGATIVE:
            if expect != []:
                raise ValueError(f"{where}: a {NEGATIVE} query expects [] (no hits)")
        elif not isinstance(expect, list) or not expect:
            raise ValueError(f"{where}: expect must be a non-empty list of service names")
        cases.append(
            Case(str(entry["q"]), entry["type"], tuple(expect), entry.get("province", "shandong"))
        )
    return cases


def rank_of(names: Sequence[str], expect: Sequence[str]) -> int | None:
    for i, name in enumerate(names, 1):
        if name in expect:
            return i
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.search.evaluate", description=__doc__)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--db-url")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)

    import sqlalchemy as sa

    from app.catalogue.db import get_engine
    from app.ingest import ensure_loaded_problems
    from app.search.service import search, sync_missing

    cases = load_cases(args.set)
    engine = get_engine(args.db_url)
    # the provinces the set asks about, loaded from their folders (or refreshed) when this
    # database lacks them or they changed: a fresh database has only the served province
    problems = ensure_loaded_problems(engine, sorted({case.province for case in cases}))
    if problems:
        for line in problems[:-1]:
            print(line, file=sys.stderr)
        print(f"{args.set}: {problems[-1]}", file=sys.stderr)
        return 1
    with engine.begin() as conn:
        sync_missing(conn)
    rr: dict[str, list[float]] = defaultdict(list)
    r3: dict[str, list[int]] = defaultdict(list)
    latencies: list[float] = []
    with engine.connect() as conn:
        names = {n for (n,) in conn.execute(sa.text("SELECT DISTINCT name FROM catalogue_item"))}
        unknown = sorted({e for c in cases for e in c.expect} - names)
        if unknown:
            print(f"{args.set}: expected names not in the catalogue: {unknown}", file=sys.stderr)
            return 1
        for warm in ("预热", "yure"):  # load jieba's and pypinyin's dictionaries once
            search(conn, warm, province="shandong")
        for case in cases:
            started = time.perf_counter()
            hits = search(conn, case.q, province=case.province, limit=args.limit).hits
            latencies.append((time.perf_counter() - started) * 1000)
            if case.type == NEGATIVE:
                rank = None if hits else 1
            else:
                rank = rank_of([h.name for h in hits], case.expect)
            rr[case.type].append(1 / rank if rank else 0.0)
            r3[case.type].append(1 if rank and rank <= 3 else 0)
            if not rank or rank > 1:
                top = ", ".join(h.name for h in hits[:3]) or "(none)"
                print(f"  {case.type:<11} {case.q!r}: rank {rank or '-'}; top: {top}")
    by_type = {}
    print(f"{'type':<12}{'n':>4}{'MRR':>8}{'R@3':>8}")
    for t in TYPES:
        if rr[t]:
            by_type[t] = {
                "n": len(rr[t]),
                "mrr": round(statistics.fmean(rr[t]), 4),
                "recall_at_3": round(statistics.fmean(r3[t]), 4),
            }
            print(
                f"{t:<12}{len(rr[t]):>4}{by_type[t]['mrr']:>8.3f}{by_type[t]['recall_at_3']:>8.3f}"
            )
    all_rr = [x for v in rr.values() for x in v]
    all_r3 = [x for v in r3.values() for x in v]
    latencies.sort()
    summary = {
        "queries": len(all_rr),
        "mrr": round(statistics.fmean(all_rr), 4),
        "recall_at_3": round(statistics.fmean(all_r3), 4),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "by_type": by_type,
    }
    print(f"{'all':<12}{summary['queries']:>4}{summary['mrr']:>8.3f}{summary['recall_at_3']:>8.3f}")
    print(f"latency: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
