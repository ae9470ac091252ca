"""Frontend measurement against the production build (``make bench-frontend``).

For the shell pages, a search and an item guide, on the Pixel 7 profile under emulated Slow 4G (150 ms RTT,
1.6 Mbps down, 750 Kbps up, 4x CPU slowdown, via the Chrome DevTools Protocol) with a cold
cache: bytes transferred (as sent, gzip) by resource type, the request count, FCP, LCP, CLS,
and time to content (the page's own content in the DOM, not its skeleton). Each page is loaded RUNS times; medians are reported. Prints a table, writes
reports/bench-frontend.json and prints, as its last line, a JSON object with home_gzip_kb,
home_fcp_ms, home_lcp_ms and home_cls.

Lighthouse (npm lighthouse@LIGHTHOUSE_VERSION on Debian's Chromium, its mobile profile) scores
accessibility, best practices and SEO of home, services, search, guide, apply and 我的 once
each: the a11y/bp/seo columns, and their lowest scores in the last line (``--no-lighthouse``
skips them). The first run installs Lighthouse from the npm registry into ``.tools/``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import sync_playwright

from e2e.browser import device_context_args, launch
from e2e.server import production_app

ROOT = Path(__file__).resolve().parent.parent

SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
GUIDE = "/item/001018000000-370102000000-000-11370102010133958H-8-00"
PAGES = {
    "home": "/",
    "services": "/services",
    "me": "/me",
    "search": "/search?q=社保卡",
    "guide": GUIDE,
}
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE = ROOT / ".tools" / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_CATEGORIES = {"accessibility": "a11y", "best-practices": "bp", "seo": "seo"}
LIGHTHOUSE_PAGES = {
    "home": "/",
    "services": "/services",
    "search": "/search?q=社保卡",
    "guide": GUIDE,
    "apply": "/apply/" + GUIDE.removeprefix("/item/"),
    "me": "/me",
}
# Time to content: when the page's own content (not the skeleton) is first in the DOM.
CONTENT = {
    "home": "#hot-services",
    "services": "#by-theme",
    "me": "#progress",
    "search": "[aria-labelledby] a[href^='/item/']",
    "guide": "#materials-title",
}
TTC_JS = """
(selector) => {
  const mark = () => {
    if (window.__ttc === undefined && document.querySelector(selector)) {
      window.__ttc = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, {childList: true, subtree: true});
  document.addEventListener('DOMContentLoaded', mark);
}
"""

VITALS_JS = """
() => new Promise((resolve) => {
  const out = {fcp: null, lcp: null, cls: 0};
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  if (fcp) out.fcp = fcp.startTime;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) out.lcp = e.renderTime || e.loadTime || e.startTime;
  }).observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) out.cls += e.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(out), 100);
})
"""

TYPES = {"Document": "html", "Script": "js", "Stylesheet": "css", "Image": "img", "Font": "font"}


def measure(browser, playwright, url: str, content: str) -> dict:
    context = browser.new_context(**device_context_args(playwright, "Pixel 7"))
    page = context.new_page()
    page.add_init_script(f"({TTC_JS})({json.dumps(content)})")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    kinds: dict[str, str] = {}
    sizes: dict[str, int] = defaultdict(int)
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url, wait_until="load")
    page.locator('[data-hydrated="true"]').wait_for(timeout=60_000)
    page.locator(content).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # let late shifts and the LCP settle
    vitals = page.evaluate(VITALS_JS)
    ttc = page.evaluate("window.__ttc ?? null")
    by_type: dict[str, int] = defaultdict(int)
    for request_id, size in sizes.items():
        by_type[TYPES.get(kinds.get(request_id, ""), "other")] += size
    context.close()
    return {
        "requests": len(sizes),
        "bytes": dict(by_type),
        "total_bytes": sum(by_type.values()),
        "fcp_ms": vitals["fcp"],
        "lcp_ms": vitals["lcp"],
        "cls": vitals["cls"],
        "ttc_ms": ttc,
    }


def ensure_lighthouse() -> Path:
    if not LIGHTHOUSE.exists():
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into .tools/", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
             str(ROOT / ".tools"), f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
        )  # fmt: skip
    return LIGHTHOUSE


def lighthouse(url: str) -> dict[str, int]:
    """Lighthouse's mobile scores (0-100) of one page for the three categories."""
    from e2e.browser import CHROMIUM

    result = subprocess.run(
        [str(ensure_lighthouse()), url, "--quiet", "--output=json", "--output-path=stdout",
         f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}", f"--chrome-path={CHROMIUM}",
         "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse {url} failed: {result.stderr.strip()[-500:]}")
    report = json.loads(result.stdout)
    return {
        short: round(report["categories"][name]["score"] * 100)
        for name, short in LIGHTHOUSE_CATEGORIES.items()
    }


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None  # none under -OO
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base-url", help="measure a running server instead of building one")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse scores")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench-frontend.json")
    args = parser.parse_args()

    started = time.monotonic()
    results: dict[str, dict] = {}

    def run(base: str) -> None:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for name, path in PAGES.items():
                runs = [
                    measure(browser, playwright, base + path, CONTENT[name])
                    for _ in range(args.runs)
                ]
                kinds = sorted({k for r in runs for k in r["bytes"]})
                results[name] = {
                    "path": path,
                    "runs": len(runs),
                    "requests": median([r["requests"] for r in runs]),
                    "kb_by_type": {
                        k: round(statistics.median([r["bytes"].get(k, 0) for r in runs]) / 1024, 1)
                        for k in kinds
                    },
                    "total_kb": round(
                        statistics.median([r["total_bytes"] for r in runs]) / 1024, 1
                    ),
                    "fcp_ms": median([r["fcp_ms"] for r in runs]),
                    "lcp_ms": median([r["lcp_ms"] for r in runs]),
                    "cls": median([r["cls"] for r in runs]),
                    "ttc_ms": median([r["ttc_ms"] for r in runs]),
                }
            browser.close()
        if not args.no_lighthouse:
            for name, path in LIGHTHOUSE_PAGES.items():
                results.setdefault(name, {"path": path})["lighthouse"] = lighthouse(base + path)

    if args.base_url:
        run(args.base_url.rstrip("/"))
    else:
        with production_app() as base:
            run(base)

    scores = {n: r["lighthouse"] for n, r in results.items() if "lighthouse" in r}
    header = f"{'page':<10}{'req':>5}{'html':>8}{'js':>8}{'css':>7}{'other':>7}{'total KB':>10}{'FCP ms':>9}{'LCP ms':>9}{'CLS':>7}{'content ms':>12}{'a11y':>6}{'bp':>5}{'seo':>5}"
    print(
        f"Slow 4G (150 ms, 1.6/0.75 Mbps), CPU x{CPU_SLOWDOWN}, Pixel 7, cold cache; median of {args.runs}"
    )
    print(header)
    for name, r in results.items():
        lh = r.get("lighthouse", {})
        marks = f"{lh.get('a11y', '-'):>6}{lh.get('bp', '-'):>5}{lh.get('seo', '-'):>5}"
        if "kb_by_type" not in r:  # a page Lighthouse scores only (apply)
            print(f"{name:<10}{'':>82}{marks}")
            continue
        kb = r["kb_by_type"]
        other = round(sum(v for k, v in kb.items() if k not in ("html", "js", "css")), 1)
        print(
            f"{name:<10}{r['requests']:>5.0f}{kb.get('html', 0):>8}{kb.get('js', 0):>8}"
            f"{kb.get('css', 0):>7}{other:>7}{r['total_kb']:>10}{r['fcp_ms']:>9.0f}"
            f"{r['lcp_ms']:>9.0f}{r['cls']:>7.3f}{r['ttc_ms']:>12.0f}{marks}"
        )
    home = results["home"]
    summary = {
        "home_gzip_kb": home["total_kb"],
        "home_js_css_kb": round(
            home["kb_by_type"].get("js", 0) + home["kb_by_type"].get("css", 0), 1
        ),
        "home_requests": home["requests"],
        "home_fcp_ms": round(home["fcp_ms"]),
        "home_lcp_ms": round(home["lcp_ms"]),
        "home_cls": round(home["cls"], 4),
        "guide_ttc_ms": round(results["guide"]["ttc_ms"]),
        "search_ttc_ms": round(results["search"]["ttc_ms"]),
        **{
            f"lighthouse_min_{short}": min(s[short] for s in scores.values())
            for short in LIGHTHOUSE_CATEGORIES.values()
            if scores
        },
        "seconds": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"pages": results, "summary": summary}, ensure_ascii=False, indent=2)
    )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
