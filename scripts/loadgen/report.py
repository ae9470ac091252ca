"""What a run measured: round trips per action kind, journeys, errors; percentiles and the
table printed at the end."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Stats:
    """Round trips (ms) per action kind with their end times, plus counted errors."""

    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    connects: int = 0
    reconnects: int = 0
    disconnects: int = 0
    new_tokens: int = 0
    #: whole journeys of several round trips (``payment``: tap 去支付 .. the receipt shown),
    #: kept apart from the per-event samples and their p95
    journeys: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def add_journey(self, kind: str, ms: float) -> None:
        self.journeys.setdefault(kind, []).append((time.monotonic(), ms))

    def add(self, kind: str, ms: float) -> None:
        self.samples.setdefault(kind, []).append((time.monotonic(), ms))

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def window(self, since: float, until: float | None = None) -> dict[str, list[float]]:
        until = until or float("inf")
        return {k: [ms for t, ms in v if since <= t <= until] for k, v in self.samples.items()}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summarize(stats: Stats, since: float, until: float) -> dict[str, Any]:
    """p50/p95/p99 per kind and over all events in [since, until], events per second."""
    window = stats.window(since, until)
    everything = [ms for v in window.values() for ms in v]
    seconds = max(until - since, 1e-9)
    out: dict[str, Any] = {
        "events": len(everything),
        "events_per_s": round(len(everything) / seconds, 1),
        "p50_ms": round(percentile(everything, 50), 1),
        "p95_ms": round(percentile(everything, 95), 1),
        "p99_ms": round(percentile(everything, 99), 1),
        "errors": dict(stats.errors),
        "kinds": {},
    }
    for kind, values in sorted(window.items()):
        out["kinds"][kind] = {
            "n": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
        }
    out["journeys"] = {}
    for kind, samples in sorted(stats.journeys.items()):
        values = [ms for t, ms in samples if since <= t <= until]
        out["journeys"][kind] = {
            "n": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
        }
    return out


def print_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    widths = [
        max(len(title), 0, *(len(str(r.get(key, ""))) for r in rows)) for key, title in columns
    ]
    print("  ".join(title.rjust(w) for (_, title), w in zip(columns, widths, strict=True)))
    for row in rows:
        print(
            "  ".join(
                str(row.get(key, "")).rjust(w) for (key, _), w in zip(columns, widths, strict=True)
            )
        )
