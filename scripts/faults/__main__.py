"""``python -m scripts.faults FAULT…`` (``make faults``): run the faults named, print what each
checked and, last, one JSON line; exit 1 if any check failed (the package's docstring)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import scripts.faults as faults
from scripts import scaled as stack
from scripts.faults import cashier
from scripts.faults.common import Checks
from scripts.faults.drills import FAULTS, SCALED, restart_app

#: each fault's figures and outcome, printed as the last line (JSON)
RESULTS: dict[str, dict[str, Any]] = {}


def run_one(name: str, app: stack.Running | None) -> list[str]:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"\n== fault: {name} (load average {load})", flush=True)
    checks = Checks(name)
    try:
        if app is None:
            restart_app(checks)
        else:
            SCALED[name](checks, app)
    finally:
        RESULTS[name] = {
            "passed": not checks.failed, "failed": len(checks.failed), "load_before": load,
            "load_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
            **checks.figures,
        }  # fmt: skip
    return [f"{name}: {f}" for f in checks.failed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.faults",
        description=faults.__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("fault", nargs="+", choices=[*FAULTS, "all"])
    args = parser.parse_args(argv)
    names = FAULTS if "all" in args.fault else [f for f in FAULTS if f in args.fault]
    failed: list[str] = []
    try:
        scaled = [n for n in names if n in SCALED]
        if scaled:
            # scaled_app starts the flow's sandboxes (identity provider, e-licences, back
            # office) unless the environment names real ones
            # the cashier fault stops and starts this one
            process = cashier.CASHIER = cashier.CashierProcess()
            process.start()
            env = {
                "REFLEX_WEB_WORKDIR": ".web-faults",
                "YIWANG_SOCKETS_PER_MINUTE": "0",
                "YIWANG_TOKENS_PER_MINUTE": "0",
                "YIWANG_OUTBOX_INTERVAL_S": str(cashier.OUTBOX_INTERVAL_S),
                **process.env(),
            }
            try:
                with stack.scaled_app(env, workers=3) as app:
                    for name in scaled:
                        failed += run_one(name, app)
            finally:
                process.stop()
                cashier.CASHIER = None  # restart-app runs its own cashier (scripts/run.sh)
        if "restart-app" in names:
            failed += run_one("restart-app", None)
    except stack.ScaledError as exc:
        failed.append(f"the stack did not start: {exc}")
    print("\n" + ("FAILED:\n  " + "\n  ".join(failed) if failed else "every check passed"))
    print(json.dumps({"passed": not failed, "faults": RESULTS}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
