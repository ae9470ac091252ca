"""The conformance report's evidence and the report itself, in a real browser.

* the pages the function table points at, in every built-in province (one build, chosen by host
  name), screenshotted into reports/e2e/shots/<province>/<function>.png for the report;
* a guide marks a cross-province item (跨省通办), and an item without it is not marked;
* the report of a province folder holding a broken item names the item, its field and the fix,
  and the report page has no axe violations.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.catalogue.readers import Record
from conformance import inputs
from conformance.__main__ import main as conformance_main
from conformance.functions import load_table
from e2e.axe import assert_no_violations
from e2e.conftest import PROVINCE_HOSTS, open_page, province_url
from e2e.server import e2e_mode
from e2e.skips import only_in
from themes import THEMES_DIR, load_theme

# What the browser renders and the report reads: the same in both modes (the scaled pass keeps
# to journeys and serving, and this file builds a four-host app of its own)
pytestmark = only_in("embedded mode", e2e_mode() == "scaled")


def _records(folder: Path) -> list[dict]:
    return [
        r.data
        for path in inputs.catalogue_files(folder)
        for r in inputs.catalogue_records_of(path)
        if isinstance(r, Record)
    ]


def example_path(route: str, folder: Path, key: str) -> str | None:
    """A real page of this province for a route of the table (dynamic parts filled in)."""
    if "[" not in route:
        return route
    records = _records(folder)
    if route == "/item/[code]":
        wanted = [r for r in records if r.get("cross_province")] if key == "cross_province" else []
        chosen = (wanted or records)[:1]
        return f"/item/{chosen[0]['implementation_code']}" if chosen else None
    if route == "/apply/[code]":
        online = [r for r in records if inputs.online_form(str(r.get("basic_code")), folder)]
        return f"/apply/{online[0]['implementation_code']}" if online else None
    if route == "/me/applications/[number]":
        return "/me/applications/000000-20260101-00000001"  # nobody's: the page asks to log in
    return None


@pytest.mark.parametrize("code", list(PROVINCE_HOSTS))
def test_function_pages_in_each_province(pixel: Page, hosts_port: int, code: str) -> None:
    folder = THEMES_DIR / code
    shots = inputs.E2E_SHOTS / code
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    taken = 0
    for fn in load_table():
        if not fn.routes or not (path := example_path(fn.routes[0], folder, fn.key)):
            continue
        page = open_page(pixel, province_url(code, hosts_port), path)
        expect(page.locator("html")).to_have_attribute("data-province", code)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(shots / f"{fn.key}.png"))
        taken += 1
    assert taken >= 5, f"only {taken} function pages could be shown for {code}"


def test_guide_marks_cross_province_items(pixel: Page, base_url: str) -> None:
    records = _records(load_theme().folder)
    marked = next(r for r in records if r.get("cross_province"))
    unmarked = next(r for r in records if not r.get("cross_province"))
    page = open_page(pixel, base_url, f"/item/{marked['implementation_code']}")
    expect(page.get_by_role("heading", level=1, name=marked["name"])).to_be_visible()
    expect(page.get_by_text("支持跨省通办")).to_be_visible()
    page = open_page(pixel, base_url, f"/item/{unmarked['implementation_code']}")
    expect(page.get_by_role("heading", level=1, name=unmarked["name"])).to_be_visible()
    expect(page.get_by_text("支持跨省通办")).to_have_count(0)


def _broken_province(tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the default province folder whose catalogue holds one broken item."""
    source = load_theme().folder
    folder = tmp_path / "brokenland"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("catalogue"))
    records = _records(source)[:3]
    broken = json.loads(json.dumps(records[1], ensure_ascii=False))
    broken["promised_limit"] = {"value": 5}  # no unit
    (folder / "catalogue").mkdir()
    (folder / "catalogue" / "items.json").write_text(
        json.dumps([records[0], broken, records[2]], ensure_ascii=False), encoding="utf-8"
    )
    return folder, broken


def test_report_names_the_broken_item_field_and_fix_and_is_accessible(
    pixel: Page, tmp_path: Path
) -> None:
    folder, broken = _broken_province(tmp_path)
    out = tmp_path / "out"
    assert conformance_main([str(folder), "--out", str(out)]) == 1  # below the thresholds
    page = pixel
    page.goto((out / "brokenland" / "index.html").as_uri())
    expect(page.get_by_role("heading", level=1, name="Conformance report")).to_be_visible()
    failing = page.get_by_role("region", name="Failing records")
    row = (
        failing.get_by_role("row")
        .filter(has_text=broken["implementation_code"])
        .filter(has_text="promised_limit")
    )
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name="catalogue/items.json", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="record 1", exact=True)).to_be_visible()
    expect(row).to_contain_text("In catalogue/items.json, record 1")
    expect(row).to_contain_text("工作日")
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("Below the thresholds")
    assert_no_violations(page)


def test_built_in_report_is_accessible(pixel: Page, tmp_path: Path) -> None:
    folder = load_theme().folder
    out = tmp_path / "out"
    conformance_main([str(folder), "--out", str(out), "--no-check"])
    page = pixel
    page.goto((out / folder.name / "index.html").as_uri())
    expect(page.get_by_role("region", name="Mobile-end functions")).to_be_visible()
    expect(page.get_by_role("table", name="Functions, their status and evidence")).to_be_visible()
    assert_no_violations(page)
