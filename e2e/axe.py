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


#: the component example (gallery) an element is in: ``data-example="component/example"``
EXAMPLE_OF = (
    "(sel) => { const el = document.querySelector(sel);"
    " const frame = el && el.closest('[data-example]');"
    " return frame ? frame.dataset.example + ' (' +"
    " (frame.querySelector('[data-mode]')?.dataset.mode || '') + ')' : ''; }"
)


def format_violations(found: list[dict], page: Page | None = None) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            target = " ".join(map(str, node["target"]))
            example = ""
            if page is not None and len(node["target"]) == 1:
                named = page.evaluate(EXAMPLE_OF, str(node["target"][0]))
                example = f" in example {named}" if named else ""
            lines.append(
                f"    at {target}{example}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return "\n".join(lines)


def assert_no_violations(page: Page) -> None:
    """Zero WCAG 2.1 A/AA violations; each one found is listed with the element (and, on the
    gallery, the component example it is in)."""
    found = violations(page)
    assert not found, f"axe found {len(found)} violation(s) on {page.url}:\n" + format_violations(
        found, page
    )
