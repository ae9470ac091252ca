"""Simulated citizens speaking Reflex's websocket event protocol (socket.io over websocket).

    python -m scripts.load --url http://127.0.0.1:3000 --clients 500 --duration 60

Each citizen is what a browser tab does, without the browser: it connects to ``/_event`` with
its session token in the query string and the hydrate event (``State.hydrate_and_load`` with
the page's router data) in the socket.io CONNECT packet, as ``.web/utils/state.js`` does; it
keeps the state deltas it receives; it sends events as ``{"name", "payload", "router_data"}``
on the ``event`` channel and sends back the events the server returns for the browser to
queue. The round trip of an action is the time from sending its event to the delta that
completes it (``is_hydrated`` back to true after a navigation, the suggestions after typing).

Journeys, after a think time: open home (navigate to ``/``), search
(``SearchState.type`` with a query, then ``/search?q=`` whose on_load runs
``SearchState.load``), open a guide (``/item/<code>`` whose on_load runs ``GuideState.load``,
codes read from the catalogue). Answers are checked: a guide must be found, a known query must
have results. Drafts and submission (:func:`flow_journey`): a citizen signs in through the
identity provider the app is configured with (the sandbox on loopback), starts an application
for a hand-written form without uploads or a form derived from the catalogue (its materials
uploaded through ``/flow/files``), answers its question pages (every step saves the draft),
leaves the draft for later or submits it; what was acknowledged is kept on the citizen
(:class:`FlowRecord`) for the fault checks.

Think time (``--think``), two models:

- ``paced`` (the default): a citizen stays on each page as long as using it takes, uniform
  in the ranges of :data:`PACED` (a search result list is scanned in 5-15 s, a guide's
  conditions and materials read in 20-60 s, a question page of 2-4 answers typed on a phone
  in 15-45 s, the check page read and the declaration ticked in 10-30 s). Every question page
  of the form waits its time before it is sent, so a journey through a form takes minutes,
  as it does for a citizen.
- ``MIN,MAX`` (e.g. ``5,15``): uniform between actions, and a form's pages are sent back to
  back: a crowd far busier than citizens are, for stress and for the fault scripts.

An action the server could not process is answered with the service notice (the page shows
the banner): counted as an error of its own, never as an answer; one still without an answer
when the timeout ends is told apart by whether the page showed the "still working" notice.

Bounded: loopback URLs only, at most ``MAX_CLIENTS`` citizens and ``MAX_DURATION_S`` seconds;
everything stops by itself. asyncio in one process (about 1 ms of its CPU per action).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from scripts.loadgen.citizen import PACED, PACED_NAME, Target
from scripts.loadgen.crowd import MAX_CLIENTS, Crowd, run_loop
from scripts.loadgen.data import catalogue_codes, flow_codes, search_queries
from scripts.loadgen.report import print_table, summarize
from scripts.loadgen.wire import LoadError, ensure_loopback

MAX_DURATION_S = 3_600


async def run(args: argparse.Namespace) -> dict[str, Any]:
    target = Target(args.url.rstrip("/"), catalogue_codes(args.db_url), search_queries(),
                    think=args.think or (0.0, 0.0), timeout_s=args.timeout,
                    flow_codes=flow_codes(args.db_url),
                    pace=PACED if args.think is None else None)  # fmt: skip
    crowd = Crowd(target)
    deadline = time.monotonic() + args.duration
    try:
        connected = await asyncio.wait_for(
            crowd.grow(args.clients, args.rate), max(1.0, deadline - time.monotonic())
        )
        since = time.monotonic()
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        summary = summarize(crowd.stats, since, time.monotonic())
    finally:
        await crowd.close()
    summary["clients"] = args.clients
    summary["connected"] = connected
    summary["reconnects"] = crowd.stats.reconnects
    return summary


def parse_think(text: str) -> tuple[float, float] | None:
    """``MIN,MAX`` seconds, or ``paced`` (``None``: think times by page, :data:`PACED`)."""
    if text.strip() == PACED_NAME:
        return None
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--think {text!r}: expected {PACED_NAME} or MIN,MAX seconds"
        ) from exc
    if not 0 <= lo <= hi:
        raise argparse.ArgumentTypeError(f"--think {text!r}: need 0 <= MIN <= MAX")
    return lo, hi


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="the app (loopback only)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60, help="seconds in all, ramp included")
    parser.add_argument("--rate", type=float, default=100, help="new connections per second")
    parser.add_argument("--think", type=parse_think, default=None,
                        help=f"{PACED_NAME} (default: by page) or MIN,MAX seconds")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=10, help="seconds before an action fails")
    parser.add_argument("--db-url", default=None, help="catalogue database (default: rxconfig)")
    args = parser.parse_args(argv)
    try:
        if not 1 <= args.clients <= MAX_CLIENTS:
            raise LoadError(f"--clients {args.clients}: between 1 and {MAX_CLIENTS}")
        if not 1 <= args.duration <= MAX_DURATION_S:
            raise LoadError(f"--duration {args.duration}: between 1 and {MAX_DURATION_S} s")
        if args.rate <= 0:
            raise LoadError(f"--rate {args.rate}: must be positive")
        ensure_loopback(args.url)
        summary = run_loop(run(args))
    except LoadError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 2
    rows = [{"kind": k, **v} for k, v in summary["kinds"].items()]
    print_table(rows, [("kind", "action"), ("n", "n"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms")])
    print(json.dumps({k: v for k, v in summary.items() if k != "kinds"}, ensure_ascii=False))
    return 1 if summary["errors"] or summary["connected"] < summary["clients"] else 0


if __name__ == "__main__":
    sys.exit(main())
