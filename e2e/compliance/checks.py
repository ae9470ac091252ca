"""The compliance rules, measured in the browser for one page × province × mode × locale × device.

Every rule returns a list of violations (strings naming the element and the measured value);
an empty list is a pass. The numbers come from docs/domain.md (MIIT 适老化, T/TAF 114-2022,
WCAG 2.1 AA).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from playwright.sync_api import Browser, Page, Playwright
from playwright.sync_api import Error as PlaywrightError

from e2e.axe import violations as axe_violations
from e2e.browser import device_context_args

Mode = Literal["standard", "elder"]


@dataclass(frozen=True)
class Minimums:
    """What a mode requires, in CSS px."""

    font_px: float
    line_height: float  # ratio of line height to font size
    target_px: float  # width and height of every link, button and form control
    primary_px: float  # height of the page's main actions ([data-primary])


MINIMUMS: dict[Mode, Minimums] = {
    # Standard: 44×44 targets (docs/domain.md); no text below 12 px; WCAG's text spacing needs room.
    "standard": Minimums(font_px=12, line_height=1.2, target_px=44, primary_px=44),
    # Elder: text ≥ 18, line height ≥ 1.3, targets ≥ 48×48, primary actions ≥ 60 tall.
    "elder": Minimums(font_px=18, line_height=1.3, target_px=48, primary_px=60),
}

RULES = (
    "axe",
    "text-size",
    "line-height",
    "target-size",
    "keyboard",
    "reflow-320",
    "reflow-200pct",
    "motion",
)
# A 360 px phone zoomed to 200 % lays the page out in 180 CSS px (WCAG 1.4.4 / 1.4.10).
ZOOM_200_WIDTH = 180


@dataclass(frozen=True)
class Combination:
    province: str
    path: str
    mode: Mode
    locale: str
    device: str

    @property
    def slug(self) -> str:
        page = self.path.strip("/").replace("/", "-") or "home"
        device = self.device.split()[0].lower()
        return f"{self.province}-{page}-{self.mode}-{self.locale}-{device}"


@dataclass
class Outcome:
    combination: Combination
    results: dict[str, list[str]] = field(default_factory=dict)
    measured: int = 0  # elements and text nodes measured
    screenshot: str = ""

    @property
    def violations(self) -> int:
        return sum(len(v) for v in self.results.values())


def storage_script(mode: Mode, locale: str) -> str:
    """What a returning visitor's device remembers (read by the head script before paint)."""
    return (
        f"try{{localStorage.setItem('yw_mode','{mode}');"
        f"localStorage.setItem('yw_locale','{locale}')}}catch(e){{}}"
    )


def open_combination(page: Page, base_url: str, combo: Combination, default_locale: str) -> None:
    page.goto(base_url + combo.path)
    page.locator('[data-hydrated="true"]').wait_for(timeout=30_000)
    if combo.locale != default_locale:
        page.locator(f'html[data-locale="{combo.locale}"]').wait_for(
            state="attached", timeout=15_000
        )
    page.locator(f'html[data-mode="{combo.mode}"]').wait_for(state="attached")


_MEASURE_JS = """
(min) => {
  const out = {text: [], line: [], target: [], count: 0};
  const shown = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return false;
      if (e.classList.contains('yw-visually-hidden')) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.bottom > 0;
  };
  const name = (el) => {
    const label = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim();
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${label.slice(0, 30)}"`;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('script,style,noscript,option')) continue;
    if (!shown(el)) continue;
    out.count++;
    const cs = getComputedStyle(el);
    const fs = parseFloat(cs.fontSize);
    const lh = cs.lineHeight === 'normal' ? 1.2 * fs : parseFloat(cs.lineHeight);
    const text = n.textContent.trim().slice(0, 24);
    if (fs + 0.01 < min.font_px) out.text.push(`"${text}" is ${fs.toFixed(1)}px (min ${min.font_px})`);
    if (lh / fs + 0.005 < min.line_height)
      out.line.push(`"${text}" line height ${(lh / fs).toFixed(2)} (min ${min.line_height})`);
  }
  const controls = document.querySelectorAll('a[href],button,input:not([type=hidden]),select,textarea');
  for (const el of controls) {
    let box = el;
    if (!shown(el)) {
      // a visually hidden native control (the radio of a segmented switch): its label is the target
      const label = el.id && document.querySelector(`label[for="${el.id}"]`);
      if (!label || !shown(label) || getComputedStyle(el).display === 'none') continue;
      box = label;
    }
    out.count++;
    const r = box.getBoundingClientRect();
    const primary = el.closest('[data-primary]');
    const needH = primary ? min.primary_px : min.target_px;
    if (r.width + 0.5 < min.target_px || r.height + 0.5 < needH)
      out.target.push(`${name(el)} is ${r.width.toFixed(0)}×${r.height.toFixed(0)} (min ${min.target_px}×${needH})`);
  }
  return out;
}
"""

_FOCUSABLE_JS = """
() => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    const folded = el.closest('details:not([open])') && !el.closest('summary');
    return !folded && r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && !el.closest('[hidden]')
      && !el.closest('[style*="display: none"]') && el.offsetParent !== null;
  };
  const sel = 'a[href],button:not([disabled]),input:not([type=hidden]):not([disabled]),select,textarea,[tabindex]:not([tabindex="-1"])';
  const seen = new Set();
  const out = [];
  let n = 0;
  const describe = (el) => (el.getAttribute('href') || el.getAttribute('aria-label')
    || el.textContent.trim() || el.tagName.toLowerCase()).slice(0, 40);
  for (const el of document.querySelectorAll(sel)) {
    // a stable key per element: links often share their first 40 characters
    el.dataset.ywKey = `${n++}:${describe(el)}`;
    if (el.type === 'radio') {
      if (seen.has(el.name)) continue;  // one tab stop per radio group
      seen.add(el.name);
      const label = document.querySelector(`label[for="${el.id}"]`);
      if (label && !label.offsetParent) continue;
    } else if (!shown(el) && !el.classList.contains('yw-skip-link')) continue;
    out.push(el.dataset.ywKey);
  }
  return out;
}
"""

_ACTIVE_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const key = el.type === 'radio'
    ? document.querySelector(`input[name="${el.name}"]`).dataset.ywKey : el.dataset.ywKey;
  // a radio the eye cannot see (a segmented switch's) shows its focus on its label;
  // a visible control shows it on itself
  const box = el.getBoundingClientRect();
  const unseen = parseFloat(getComputedStyle(el).opacity) === 0 || box.width <= 1 || box.height <= 1;
  const label = el.type === 'radio' && document.querySelector(`label[for="${el.id}"]`);
  const target = label && unseen ? label : el;
  const cs = getComputedStyle(target);
  const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0)
    || (cs.boxShadow && cs.boxShadow !== 'none');
  return {key, ring, label: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30)};
}
"""


def measure(page: Page, mode: Mode) -> tuple[dict[str, list[str]], int]:
    found = page.evaluate(_MEASURE_JS, MINIMUMS[mode].__dict__)
    return (
        {"text-size": found["text"], "line-height": found["line"], "target-size": found["target"]},
        found["count"],
    )


def keyboard_walk(page: Page, max_tabs: int | None = None) -> list[str]:
    """Tab through the page from the top: every control is reached, in a cycle, each one
    with a visible focus indicator."""
    problems: list[str] = []
    expected = page.evaluate(_FOCUSABLE_JS)
    max_tabs = max_tabs or len(expected) + 20
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.locator("body").focus()
    reached: list[str] = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE_JS)
        if active is None or (reached and active["key"] == reached[0]):
            break
        if active["key"] in reached:
            continue
        reached.append(active["key"])
        if not active["ring"]:
            problems.append(f"{active['key']} {active['label']!r}: no visible focus indicator")
    else:
        problems.append(f"focus did not leave the page or cycle within {max_tabs} tabs (trap?)")
    missing = [key for key in expected if key not in reached]
    problems += [f"{key}: not reachable with the Tab key" for key in missing]
    return problems


def keyboard_search(page: Page, base_url: str, query: str = "社保卡") -> list[str]:
    """Complete a search with the keyboard only: Tab to the search box, type, press Enter."""
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.type === 'search'"):
            break
    else:
        return ["search box not reachable with the Tab key"]
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    try:
        page.wait_for_url(re.compile(r"/search/?\?q="), timeout=15_000)
    except PlaywrightError:
        return [f"Enter in the search box did not open the results (at {page.url})"]
    page.locator('[data-hydrated="true"]').wait_for()
    links = page.locator("#results-title ~ ul a")
    try:
        links.first.wait_for(timeout=10_000)
    except PlaywrightError:
        return [f"searching {query!r} by keyboard showed no result link"]
    return []


def horizontal_overflow(page: Page) -> str | None:
    width, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return f"scrolls sideways: {width}px of content in {client}px" if width > client else None


def motion(page: Page) -> list[str]:
    """No running animations and no transition or animation longer than 0.01 ms."""
    return page.evaluate(
        """() => {
      const out = [];
      const long = (v) => v.split(',').some((d) => parseFloat(d) * (d.trim().endsWith('ms') ? 1 : 1000) > 0.01);
      for (const el of document.querySelectorAll('body *')) {
        const cs = getComputedStyle(el);
        if (long(cs.transitionDuration) || (cs.animationName !== 'none' && long(cs.animationDuration)))
          out.push(`<${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}"> moves (${cs.transitionDuration} / ${cs.animationDuration})`);
      }
      // A transition of 0.01 ms started by content arriving in this very frame is running for
      // that frame only: it counts only if it is longer, or never ends.
      for (const a of document.getAnimations()) {
        const t = a.effect ? a.effect.getComputedTiming() : {};
        if (a.playState === 'running' && (t.iterations === Infinity || (t.duration ?? 1) > 0.01))
          out.push(`running ${a.constructor.name} ${a.animationName || a.transitionProperty || a.id} (${t.duration} ms × ${t.iterations})`);
      }
      return out.slice(0, 20);
    }"""
    )


def run_combination(
    browser: Browser,
    playwright: Playwright,
    base_url: str,
    combo: Combination,
    default_locale: str,
    shots: Path | None = None,
) -> Outcome:
    """Every rule for one combination; new contexts for reflow and reduced motion."""
    outcome = Outcome(combo)
    init = storage_script(combo.mode, combo.locale)
    args = device_context_args(playwright, combo.device)

    def context(**overrides: Any):
        ctx = browser.new_context(**{**args, **overrides})
        ctx.add_init_script(init)
        return ctx

    ctx = context()
    try:
        page = ctx.new_page()
        open_combination(page, base_url, combo, default_locale)
        outcome.results["axe"] = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])
            for v in axe_violations(page)
        ]
        measured, outcome.measured = measure(page, combo.mode)
        outcome.results.update(measured)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            path = shots / f"{combo.slug}.jpg"
            page.screenshot(path=str(path), full_page=True, type="jpeg", quality=60)
            outcome.screenshot = path.name
        keyboard = keyboard_walk(page)
        if combo.path in ("/", "/services"):
            open_combination(page, base_url, combo, default_locale)
            keyboard += keyboard_search(page, base_url)
        outcome.results["keyboard"] = keyboard
        outcome.results["motion"] = motion(page) if combo.mode == "elder" else []
    finally:
        ctx.close()

    for rule, width in (("reflow-320", 320), ("reflow-200pct", ZOOM_200_WIDTH)):
        ctx = context(
            viewport={"width": width, "height": 640}, screen={"width": width, "height": 640}
        )
        try:
            page = ctx.new_page()
            open_combination(page, base_url, combo, default_locale)
            problem = horizontal_overflow(page)
            outcome.results[rule] = [f"at {width}px: {problem}"] if problem else []
        finally:
            ctx.close()

    ctx = context(reduced_motion="reduce")
    try:
        page = ctx.new_page()
        open_combination(page, base_url, combo, default_locale)
        outcome.results["motion"] += [f"with reduced motion: {m}" for m in motion(page)]
    finally:
        ctx.close()
    return outcome
