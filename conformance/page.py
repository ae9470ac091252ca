"""The conformance report of one province as one accessible HTML page (landmarks, captions,
scoped headers), from the summary that conformance/report.py writes beside it."""

from __future__ import annotations

import html
from typing import Any

from conformance.findings import ELEMENT


def _e(value: Any) -> str:
    return html.escape(str(value))


def _zh(value: Any) -> str:
    return f'<span lang="zh-Hans">{_e(value)}</span>'


STATUS_TEXT = {
    "present": "Present",
    "disabled": "Disabled by the province",
    "missing": "Missing",
    "not built": "Not built",
}


def render(data: dict[str, Any], compliance_link: str | None) -> str:
    """The report as one accessible HTML page (landmarks, captions, scoped headers)."""
    limits = data["thresholds"]
    verdict = (
        "<p class='ok'><strong>Meets every threshold.</strong></p>"
        if limits["passed"]
        else "<p class='bad'><strong>Below the thresholds:</strong></p><ul>"
        + "".join(f"<li>{_e(f)}</li>" for f in limits["failures"])
        + "</ul>"
    )
    a11y = data["accessibility"]
    figures = [
        ("Catalogue items", data["items"]),
        ("Items with every element", f"{data['items_conformant']} of {data['items']}"),
        ("Element score", f"{data['element_score']:.2%} of {data['element_checks']} checks"),
        ("Consistency score", f"{data['consistency_score']:.2%}"),
        ("Functions present", f"{data['functions_present']} of {data['functions_total']}"),
        ("Accessibility violations", "not measured" if a11y is None else a11y["violations"]),
    ]
    dl = "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in figures)
    notes = "".join(f"<li>{_e(n)}</li>" for n in data["notes"])
    sections = [
        _departments(data),
        _failing(data),
        _functions(data),
        _accessibility_section(a11y, compliance_link),
    ]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance report: {_e(data["name"])}</title>
<style>
body{{font:1rem/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;color:#1a1a1a;background:#fff}}
header,main,footer{{padding:0 1rem;max-width:80rem;margin:0 auto}}
table{{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}}caption{{text-align:start;font-weight:700;padding:.25rem 0}}
th,td{{border:1px solid #767676;padding:.35rem .5rem;vertical-align:top;text-align:start}}
thead th{{background:#f0f0f0}}dl{{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.5rem}}
dl div{{border:1px solid #767676;padding:.5rem}}dt{{font-size:.875rem}}dd{{margin:0;font-size:1.25rem;font-weight:700}}
.ok{{color:#0b6b2e}}.bad{{color:#a00}}code{{font-family:ui-monospace,monospace;overflow-wrap:anywhere}}
figure{{margin:0}}img{{max-width:10rem;height:auto;border:1px solid #767676}}a{{color:#0645ad}}
a:focus-visible{{outline:3px solid #0645ad;outline-offset:2px}}.table-scroll{{overflow-x:auto}}.table-scroll:focus-visible{{outline:3px solid #0645ad}}
</style></head>
<body><header><h1>Conformance report: {_zh(data["name"])}</h1>
<p>Province folder <code>{_e(data["folder"])}</code>, generated {_e(data["generated"])}.
Standards: GB/T 39554.1/.2 (item coding and elements), the mobile-end functions of
<span lang="zh-Hans">国办函〔2021〕105号</span> and draft 20220588-T-434, GB/T 37668 and WCAG 2.1 AA,
the MIIT elder-friendly rules.</p></header>
<main>
<section aria-labelledby="summary"><h2 id="summary">Summary</h2><dl>{dl}</dl>{verdict}
{f"<h3>Notes</h3><ul>{notes}</ul>" if notes else ""}</section>
{"".join(sections)}
</main>
<footer><p>Written by <code>python -m conformance</code>; the same figures are in
<a href="summary.json">summary.json</a>. How each figure is measured: docs/conformance.md.</p></footer>
</body></html>
"""


def _departments(data: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th scope='row'>{_zh(d['department'])}</th><td>{d['items']}</td>"
        f"<td>{d['conformant']}</td><td>{d['element_score']:.2%}</td></tr>"
        for d in data["departments"]
    )
    return f"""<section aria-labelledby="departments"><h2 id="departments">Catalogue conformance by department</h2>
<div class="table-scroll" tabindex="0" role="group" aria-label="Items and element score per implementing body (scrolls sideways)"><table><caption>Items and element score per implementing body</caption>
<thead><tr><th scope="col">Department</th><th scope="col">Items</th><th scope="col">Items with every element</th>
<th scope="col">Element score</th></tr></thead><tbody>{rows}</tbody></table></div></section>"""


def _failing(data: dict[str, Any]) -> str:
    elements: list[str] = []
    rules: list[str] = []
    for p in data["file_problems"]:
        elements.append(
            f"<tr><td><code>{_e(p['file'])}</code></td><td>{_e(p['where'])}</td><td>(file)</td>"
            f"<td><code>{_e(p['field'])}</code></td><td>{_e(p['reason'])}</td>"
            f"<td>In {_e(p['file'])}, {_e(p['where'])}: {_e(p['reason'])}</td></tr>"
        )
    for item in data["items_detail"]:
        for f in item["findings"]:
            row = (
                f"<tr><td><code>{_e(f['file'])}</code></td><td>{_e(f['where'])}</td>"
                f"<td>{_zh(item['name'] or f['item'])}<br><code>{_e(f['item'])}</code></td>"
                f"<td><code>{_e(f['field'])}</code> ({_zh(f['element'])})</td>"
                f"<td>{_e(f['problem'])}</td><td>{_e(f['fix'])}</td></tr>"
            )
            (elements if f["kind"] == ELEMENT else rules).append(row)
    return f"""<section aria-labelledby="failing"><h2 id="failing">Failing records</h2>
<p>Element checks: every GB/T 39554.2 element present and well-formed (these set the element
score and the threshold). Consistency checks: online depth against visits and the online
application, express delivery against a delivery step, fees against a payment step.</p>
{_failure_table("element-failures", "Missing or malformed elements", elements)}
{_failure_table("consistency-failures", "Consistency", rules)}</section>"""


def _failure_table(anchor: str, title: str, rows: list[str]) -> str:
    if not rows:
        return f"<h3 id='{anchor}'>{_e(title)}</h3><p>None: every record passes.</p>"
    return f"""<h3 id="{anchor}">{_e(title)}</h3>
<div class="table-scroll" tabindex="0" role="group" aria-label="{_e(title)} (scrolls sideways)"><table>
<caption>{len(rows)} failing checks, by file and field</caption>
<thead><tr><th scope="col">File</th><th scope="col">Record</th><th scope="col">Item</th><th scope="col">Field</th>
<th scope="col">Problem</th><th scope="col">What to change</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>"""


def _functions(data: dict[str, Any]) -> str:
    rows = []
    for f in data["functions"]:
        routes = ", ".join(f"<code>{_e(r)}</code>" for r in f["routes"]) or "none"
        setting = f"<code>[features] {_e(f['feature'])}</code>" if f["feature"] else "always on"
        tests = "".join(
            f"<li><code>{_e(t['nodeid'])}</code>: {_e(t['outcome'])} ({_e(t['mode'])}, {_e(t['finished'])})</li>"
            for t in f["tests"]
        )
        evidence = f"<ul>{tests}</ul>" if tests else ""
        shot = (
            f"<figure><a href='{_e(f['screenshot'])}'><img src='{_e(f['screenshot'])}' "
            f"alt='Screenshot of {_e(f['routes'][0])} in this province' loading='lazy'></a>"
            f"<figcaption><code>{_e(f['routes'][0])}</code></figcaption></figure>"
            if f["screenshot"]
            else "none"
        )
        fix = f"<p>What to do: {_e(f['fix'])}</p>" if f["fix"] and f["status"] != "present" else ""
        rows.append(
            f"<tr><th scope='row'>{_zh(f['name'])}<br>{_e(f['title'])}</th>"
            f"<td><strong>{_e(STATUS_TEXT[f['status']])}</strong><p>{_e(f['reason'])}</p>{fix}</td>"
            f"<td>{routes}</td><td>{setting}</td><td>{evidence or 'none'}</td><td>{shot}</td></tr>"
        )
    return f"""<section aria-labelledby="functions"><h2 id="functions">Mobile-end functions</h2>
<p>Present means every listed e2e test passed in the last recorded run (reports/e2e/results.json).</p>
<div class="table-scroll" tabindex="0" role="group" aria-label="Functions (scrolls sideways)"><table><caption>Functions, their status and evidence</caption>
<thead><tr><th scope="col">Function</th><th scope="col">Status</th><th scope="col">Routes</th>
<th scope="col">Setting</th><th scope="col">e2e tests (last run)</th><th scope="col">Screenshot</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div></section>"""


def _accessibility_section(a11y: dict[str, Any] | None, link: str | None) -> str:
    if a11y is None:
        return """<section aria-labelledby="a11y"><h2 id="a11y">Accessibility and elder mode</h2>
<p>Not measured for this province: run <code>make compliance</code>, then this report again.</p></section>"""
    rows = "".join(
        f"<tr><th scope='row'><code>{_e(p['path'])}</code></th><td>{_e(p['mode'])}</td>"
        f"<td>{p['combinations']}</td><td>{p['violations']}</td>"
        f"<td>{_e(', '.join(f'{k}: {v}' for k, v in p['rules'].items() if v) or 'none')}</td></tr>"
        for p in a11y["pages"]
    )
    anchor = f"<a href='{_e(link)}'>the compliance report</a>" if link else "the compliance report"
    return f"""<section aria-labelledby="a11y"><h2 id="a11y">Accessibility and elder mode</h2>
<p>{a11y["combinations"]} combinations measured by <code>make compliance</code>,
{a11y["violations"]} violations; details and screenshots in {anchor}.</p>
<div class="table-scroll" tabindex="0" role="group" aria-label="Violations per page and mode (scrolls sideways)"><table><caption>Violations per page and mode</caption>
<thead><tr><th scope="col">Page</th><th scope="col">Mode</th><th scope="col">Combinations</th>
<th scope="col">Violations</th><th scope="col">By rule</th></tr></thead><tbody>{rows}</tbody></table></div></section>"""
