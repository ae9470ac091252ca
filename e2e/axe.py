"""Run axe-core with the WCAG 2.1 A and AA rules and fail with a readable list of violations."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def violations(page: Page) -> list[dict]:
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return list(results.response["violations"])


def format_violations(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            target = " ".join(map(str, node["target"]))
            lines.append(f"    at {target}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_no_violations(page: Page) -> None:
    found = violations(page)
    assert not found, f"axe found {len(found)} violation(s) on {page.url}:\n" + format_violations(
        found
    )
