"""``make compliance``: every page × built-in province × {standard, elder} × {zh_Hans, ug} on
every phone profile, measured against the rules of ``e2e/compliance/checks.py``.

Writes reports/compliance/index.html (per combination: pass or fail per rule, the violations,
a full-page screenshot) and reports/compliance/summary.json; prints, as its last line, a JSON
object with ``combinations``, ``checks`` (combinations × rules), ``violations`` and
``measured`` (text nodes and controls measured). Exits 1 when anything is violated.

    python -m e2e.compliance.run                 # the full matrix (one build per province)
    python -m e2e.compliance.run --slice         # the representative slice CI runs
    python -m e2e.compliance.run --base-url URL  # against a running server (its province only)
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from collections.abc import Iterable

from playwright.sync_api import sync_playwright

from e2e.browser import DEVICES, launch
from e2e.compliance.checks import RULES, Combination, Outcome, run_combination
from e2e.server import ROOT, production_app
from themes import available_provinces, load_theme
from themes.loader import THEMES_DIR

MODES = ("standard", "elder")
LOCALES = ("zh_Hans", "ug")
REPORT_DIR = ROOT / "reports" / "compliance"


# Dynamic routes are checked on a real example of each (a seeded item; a number nobody owns).
ID_CARD = "001018000000-370102000000-000-11370102010133958H-8-00"
SAMPLE_PATHS = {
    "/item/[code]": f"/item/{ID_CARD}",
    "/apply/[code]": f"/apply/{ID_CARD}",
    # a payable item with express delivery (机动车驾驶证期满换证): the checkout of a visitor
    "/checkout/[code]": "/checkout/006021000000-370100000000-000-113701009523774382-1-00",
    "/me/applications/[number]": "/me/applications/370102-20260101-00000001",
    # 亮证 of a visitor: the page asks to log in (the verifier's page, without a code, says
    # what to scan)
    "/me/licences/[id]": "/me/licences/lic-birth-0001",
}


def pages() -> list[str]:
    """Every route of the app, dynamic ones by an example path."""
    from app.routes import routes

    paths = [SAMPLE_PATHS.get(route.path, route.path) for route in routes()]
    unresolved = [path for path in paths if "[" in path]
    if unresolved:
        raise RuntimeError(f"no example path for dynamic routes {unresolved}; add to SAMPLE_PATHS")
    return paths


def matrix(province: str) -> list[Combination]:
    return [
        Combination(province, path, mode, locale, device)
        for path in pages()
        for mode in MODES
        for locale in LOCALES
        for device in DEVICES
    ]


def representative_slice(province: str) -> list[Combination]:
    """Every page once in each mode and locale, spread over the three phones."""
    combos = []
    for i, path in enumerate(pages()):
        for j, (mode, locale) in enumerate(
            [("standard", "zh_Hans"), ("elder", "ug"), ("elder", "zh_Hans"), ("standard", "ug")]
        ):
            if j >= 2 and i % 2:  # mixed pairs on every other page keep CI short
                continue
            combos.append(Combination(province, path, mode, locale, DEVICES[(i + j) % 3]))
    return combos


def run(base_url: str, combos: Iterable[Combination], default_locale: str) -> list[Outcome]:
    outcomes = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for combo in combos:
                outcome = run_combination(
                    browser, playwright, base_url, combo, default_locale, REPORT_DIR / "shots"
                )
                mark = "ok " if not outcome.violations else "FAIL"
                print(f"{mark} {combo.slug}: {outcome.violations} violation(s)", flush=True)
                outcomes.append(outcome)
        finally:
            browser.close()
    return outcomes


def summary(outcomes: list[Outcome], seconds: float) -> dict:
    per_rule = {rule: sum(len(o.results.get(rule, [])) for o in outcomes) for rule in RULES}
    return {
        "combinations": len(outcomes),
        "checks": len(outcomes) * len(RULES),
        "violations": sum(o.violations for o in outcomes),
        "measured": sum(o.measured for o in outcomes),
        "failed_checks": sum(1 for o in outcomes for r in RULES if o.results.get(r)),
        "by_rule": per_rule,
        "report": str(REPORT_DIR / "index.html"),
        "seconds": round(seconds, 1),
    }


def write_report(outcomes: list[Outcome], totals: dict) -> None:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    rows = []
    for o in outcomes:
        c = o.combination
        cells = "".join(
            f'<td class="{"fail" if o.results.get(r) else "pass"}">'
            f"{'✗ ' + str(len(o.results[r])) if o.results.get(r) else '✓'}</td>"
            for r in RULES
        )
        details = "".join(
            f"<li><strong>{html.escape(rule)}</strong>: {html.escape(v)}</li>"
            for rule in RULES
            for v in o.results.get(rule, [])
        )
        shot = (
            f'<a href="shots/{html.escape(o.screenshot)}"><img src="shots/{html.escape(o.screenshot)}"'
            f' alt="Screenshot of {html.escape(c.slug)}" loading="lazy" width="90"></a>'
            if o.screenshot
            else ""
        )
        rows.append(
            f"<tr><th scope='row'>{html.escape(c.province)} {html.escape(c.path)}<br>"
            f"{c.mode} · {c.locale} · {html.escape(c.device)}</th>{cells}<td>{shot}</td></tr>"
            + (
                f"<tr><td colspan='{len(RULES) + 2}'><ul>{details}</ul></td></tr>"
                if details
                else ""
            )
        )
    head = "".join(f"<th scope='col'>{r}</th>" for r in RULES)
    doc = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Yiwang compliance report</title><style>
body{{font:16px/1.5 system-ui,sans-serif;margin:1rem;color:#111}}table{{border-collapse:collapse}}
td,th{{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top;text-align:start}}
.pass{{background:#e7f6ec;color:#064}}.fail{{background:#fde8e8;color:#8a1212;font-weight:700}}
</style></head><body><main><h1>Yiwang compliance report</h1>
<p>{totals["combinations"]} combinations (page × province × mode × locale × phone),
{totals["checks"]} checks, <strong>{totals["violations"]} violations</strong>,
{totals["measured"]} text nodes and controls measured, in {totals["seconds"]} s.</p>
<p>Rules: axe (WCAG 2.1 A and AA); text size, line height and target size against the mode's
minimums (standard: text ≥ 12 px, line height ≥ 1.2, targets ≥ 44×44; elder: text ≥ 18 px,
line height ≥ 1.3, targets ≥ 48×48, primary actions ≥ 60 px tall); keyboard (every control
reachable with Tab, visible focus, no trap, search completed by keyboard); no horizontal
scroll at 320 px and at 200 % zoom (a 360 px phone at 200 % lays out in 180 CSS px); motion
(no animation or transition with reduced motion, none at all in elder mode).</p>
<table><thead><tr><th scope="col">Combination</th>{head}<th scope="col">Screenshot</th></tr>
</thead><tbody>{"".join(rows)}</tbody></table></main></body></html>"""
    (REPORT_DIR / "index.html").write_text(doc, encoding="utf-8")
    data = {
        **totals,
        "results": [
            {**o.combination.__dict__, "screenshot": o.screenshot, "results": o.results}
            for o in outcomes
        ],
    }
    (REPORT_DIR / "summary.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slice", action="store_true", help="the representative CI slice")
    parser.add_argument("--base-url", help="check a running server (its province only)")
    parser.add_argument("--province", action="append", help="limit to these provinces")
    args = parser.parse_args(argv)
    started = time.monotonic()
    pick = representative_slice if args.slice else matrix
    outcomes: list[Outcome] = []
    provinces = args.province or available_provinces()
    for province in provinces:
        default_locale = load_theme(THEMES_DIR / province).default_language
        if args.base_url:
            outcomes += run(args.base_url.rstrip("/"), pick(province), default_locale)
            break
        with production_app(env={"YIWANG_PROVINCE": province}) as base:
            outcomes += run(base, pick(province), default_locale)
    totals = summary(outcomes, time.monotonic() - started)
    write_report(outcomes, totals)
    print(json.dumps({k: v for k, v in totals.items() if k != "by_rule"} | totals["by_rule"]))
    return 1 if totals["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
