"""``python -m conformance [PATH…]``: the conformance report of province folders.

Without a path: every folder under themes/ with a theme.toml. Writes
``reports/conformance/<province>/index.html`` and ``summary.json`` per province, prints one line
per province and, last, a JSON object with ``provinces``, ``items``, ``element_score``,
``functions_present``, ``functions_total``, ``a11y_violations`` (and ``by_province``). Exits 1
when a province is below the thresholds of conformance/thresholds.toml (``--no-check``: 0),
2 when a folder cannot be read as a province.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from conformance import inputs
from conformance.report import build, write
from themes import THEMES_DIR, ThemeError


def _folders(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p).expanduser().resolve() for p in paths]
    return sorted(p.parent for p in THEMES_DIR.glob("*/theme.toml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance",
        description=__doc__.splitlines()[0] if __doc__ else None,  # none under -OO
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="province folders (default: themes/*)"
    )
    parser.add_argument("--out", type=Path, default=inputs.ROOT / "reports" / "conformance")
    parser.add_argument("--results", type=Path, default=inputs.E2E_RESULTS, help="e2e results file")
    parser.add_argument("--compliance", type=Path, default=inputs.COMPLIANCE_SUMMARY)
    parser.add_argument("--shots", type=Path, default=inputs.E2E_SHOTS, help="e2e screenshots")
    parser.add_argument("--no-check", action="store_true", help="exit 0 even below the thresholds")
    args = parser.parse_args(argv)

    results = inputs.e2e_results(args.results)
    if not results:
        print(
            f"note: no e2e results in {args.results}: every function lacks evidence (run make e2e)"
        )
    compliance = inputs.compliance_results(args.compliance)
    reports = []
    for folder in _folders(args.paths):
        try:
            report = build(folder, results, compliance, args.shots)
        except ThemeError as exc:
            print(f"{folder}: not a valid province folder:\n{exc}", file=sys.stderr)
            return 2
        page = write(report, args.out)
        mark = "ok  " if not report.threshold_failures else "FAIL"
        print(f"{mark} {report.code}: {json.dumps(report.figures(), ensure_ascii=False)} -> {page}")
        for failure in report.threshold_failures:
            print(f"     - {failure}")
        reports.append(report)

    checks = sum(r.element_checks for r in reports)
    failed = sum(r.element_failed for r in reports)
    a11y = [r.a11y_violations for r in reports if r.a11y_violations is not None]
    print(
        json.dumps(
            {
                "provinces": len(reports),
                "items": sum(len(r.items) for r in reports),
                "element_score": round(max(0, checks - failed) / checks, 4) if checks else 0.0,
                "functions_present": sum(r.functions_present for r in reports),
                "functions_total": sum(len(r.functions) for r in reports),
                "a11y_violations": sum(a11y) if a11y else None,
                "by_province": {r.code: r.figures() for r in reports},
            },
            ensure_ascii=False,
        )
    )
    below = any(r.threshold_failures for r in reports)
    return 1 if below and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
