"""Assemble one province's conformance (catalogue, functions, accessibility) and write it as
``summary.json`` and an accessible ``index.html``."""

from __future__ import annotations

import html
import json
import shutil
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.catalogue.readers import Problem
from app.conformance import inputs
from app.conformance.elements import (
    CONSISTENCY,
    ELEMENT,
    Context,
    ItemResult,
    check_record,
    relative,
)
from app.conformance.functions import DISABLED, PRESENT, FunctionResult, evaluate, load_table
from themes import Theme, ThemeError, ThemeProblem, load_theme

THRESHOLDS = Path(__file__).with_name("thresholds.toml")


@dataclass
class ProvinceReport:
    code: str
    name: str
    folder: Path
    items: list[ItemResult] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    functions: list[FunctionResult] = field(default_factory=list)
    accessibility: dict[str, Any] | None = None
    threshold_failures: list[str] = field(default_factory=list)
    screenshots: dict[str, str] = field(default_factory=dict)

    @property
    def element_checks(self) -> int:
        return sum(i.element_checks for i in self.items)

    @property
    def element_failed(self) -> int:
        """Failed element checks; a file that cannot be read counts as one."""
        return sum(i.failed(ELEMENT) for i in self.items) + len(self.file_problems)

    @property
    def element_score(self) -> float:
        checks = self.element_checks
        if not checks:
            return 0.0
        return round(max(0, checks - self.element_failed) / checks, 4)

    @property
    def consistency_score(self) -> float:
        checks = sum(i.consistency_checks for i in self.items)
        failed = sum(i.failed(CONSISTENCY) for i in self.items)
        return round((checks - failed) / checks, 4) if checks else 0.0

    @property
    def functions_present(self) -> int:
        return sum(1 for f in self.functions if f.status == PRESENT)

    @property
    def a11y_violations(self) -> int | None:
        return None if self.accessibility is None else self.accessibility["violations"]

    def figures(self) -> dict[str, Any]:
        return {
            "items": len(self.items),
            "element_score": self.element_score,
            "functions_present": self.functions_present,
            "functions_total": len(self.functions),
            "a11y_violations": self.a11y_violations,
        }


def thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def build(
    folder: Path,
    results: list[inputs.TestResult],
    compliance: dict[str, Any] | None,
    shots_dir: Path = inputs.E2E_SHOTS,
    limits: dict[str, Any] | None = None,
) -> ProvinceReport:
    """Everything the report says about one province folder (raises ThemeError for a bad one)."""
    theme = load_theme(folder)
    report = check_catalogue(theme)
    theme_file = relative(theme.folder / "theme.toml", theme.folder, inputs.ROOT)
    report.functions = evaluate(load_table(), theme.settings.features, results, theme_file)
    for fn in report.functions:
        shot = shots_dir / theme.code / f"{fn.function.key}.png"
        if fn.function.routes and shot.is_file():
            report.screenshots[fn.function.key] = str(shot)
    report.accessibility = _accessibility(compliance, theme.code)
    report.threshold_failures = _threshold_failures(report, limits or thresholds())
    return report


def check_catalogue(theme: Theme) -> ProvinceReport:
    """The catalogue part of the report: every record of the province's catalogue files."""
    folder = theme.folder
    report = ProvinceReport(theme.code, theme.settings.identity.province, folder)
    theme_file = relative(folder / "theme.toml", folder, inputs.ROOT)
    prefix = inputs.division(theme.settings.identity)
    areas = inputs.area_names(prefix) if prefix else None
    if prefix is None:
        report.notes.append(
            f"{theme_file}: [identity] division is not set: area codes are checked for their "
            "form only. Set division to the province's GB/T 2260 two-digit prefix."
        )
    elif areas is None:
        report.notes.append(
            f"the national division table has no province {prefix}: area codes are checked "
            "for the prefix only"
        )
    files = inputs.catalogue_files(folder)
    if not files:
        report.file_problems.append(
            Problem(
                relative(folder / "catalogue", folder, inputs.ROOT),
                "folder",
                "-",
                "-",
                "no catalogue files: add the province's items as catalogue/*.json, *.jsonl or "
                "*.csv (GB/T 39554.2 records, docs/add-your-province.md, "
                "themes/catalogue.schema.json)",
            )
        )
    for path in files:
        shown = relative(path, folder, inputs.ROOT)
        for record in inputs.catalogue_records_of(path):
            if isinstance(record, Problem):
                report.file_problems.append(
                    Problem(shown, record.where, record.field, record.value, record.reason)
                )
                continue
            basic = str(record.data.get("basic_code") or "").strip().upper()
            ctx = Context(
                file=shown,
                division=prefix,
                areas=areas,
                form=inputs.online_form(basic, folder, record.data) if basic else None,
                forms_hint="forms/{code}.yaml",
            )
            report.items.append(check_record(record.data, record.where, ctx))
    return report


def catalogue_problems(folder: Path) -> list[ThemeProblem]:
    """The element findings of a province folder's catalogue as ThemeProblem(file, field, why),
    for ``python -m themes check`` (consistency findings are not problems of the folder)."""
    theme = load_theme(folder)
    report = check_catalogue(theme)
    problems = [
        ThemeProblem(theme.folder / p.file, f"{p.where}.{p.field}", p.reason)
        for p in report.file_problems
    ]
    problems += [
        ThemeProblem(theme.folder / f.file, f"{f.where}.{f.field}", f"{f.problem}; {f.fix}")
        for item in report.items
        for f in item.findings
        if f.kind == ELEMENT
    ]
    return problems


def _accessibility(compliance: dict[str, Any] | None, code: str) -> dict[str, Any] | None:
    if compliance is None:
        return None
    mine = [r for r in compliance.get("results", []) if r.get("province") == code]
    if not mine:
        return None
    pages: dict[tuple[str, str], dict[str, Any]] = {}
    for r in mine:
        entry = pages.setdefault(
            (r["path"], r["mode"]),
            {
                "path": r["path"],
                "mode": r["mode"],
                "combinations": 0,
                "violations": 0,
                "rules": defaultdict(int),
            },
        )
        entry["combinations"] += 1
        for rule, found in r.get("results", {}).items():
            entry["violations"] += len(found)
            entry["rules"][rule] += len(found)
    rows = [{**p, "rules": dict(p["rules"])} for p in pages.values()]
    return {
        "combinations": len(mine),
        "violations": sum(p["violations"] for p in rows),
        "pages": sorted(rows, key=lambda p: (p["path"], p["mode"])),
        "report": compliance.get("report", str(inputs.COMPLIANCE_SUMMARY.with_name("index.html"))),
    }


def _threshold_failures(report: ProvinceReport, limits: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    if len(report.items) < limits.get("min_items", 1):
        failures.append(
            f"{len(report.items)} catalogue items, at least {limits.get('min_items', 1)} needed"
        )
    if report.element_score < limits.get("element_score", 1.0):
        failing = sum(1 for i in report.items if not i.conformant)
        failures.append(
            f"element score {report.element_score:.4f} is below {limits['element_score']}: "
            f"{failing} item(s) and {len(report.file_problems)} file problem(s) listed under "
            "Failing records"
        )
    waivers = limits.get("waivers", {})
    for fn in report.functions:
        waived = fn.function.key in waivers
        if fn.status in (PRESENT, DISABLED):
            if waived:
                failures.append(
                    f"function {fn.function.key} is {fn.status} now: remove its waiver from "
                    "app/conformance/thresholds.toml"
                )
        elif not waived:
            failures.append(
                f"function {fn.function.key} ({fn.function.name}) is {fn.status}: {fn.reason}"
            )
    return failures


def summary(report: ProvinceReport) -> dict[str, Any]:
    by_department: dict[str, list[ItemResult]] = defaultdict(list)
    for item in report.items:
        by_department[item.department].append(item)
    return {
        "province": report.code,
        "name": report.name,
        "folder": str(report.folder),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        **report.figures(),
        "element_checks": report.element_checks,
        "consistency_score": report.consistency_score,
        "items_conformant": sum(1 for i in report.items if i.conformant),
        "departments": [
            {
                "department": name,
                "items": len(items),
                "conformant": sum(1 for i in items if i.conformant),
                "element_score": _score(items),
            }
            for name, items in sorted(by_department.items())
        ],
        "items_detail": [
            {
                "file": i.file,
                "where": i.where,
                "code": i.code,
                "name": i.name,
                "department": i.department,
                "element_score": round(i.element_score, 4),
                "findings": [asdict(f) for f in i.findings],
            }
            for i in report.items
        ],
        "file_problems": [asdict(p) for p in report.file_problems],
        "notes": report.notes,
        "functions": [
            {
                "key": f.function.key,
                "name": f.function.name,
                "title": f.function.title,
                "status": f.status,
                "reason": f.reason,
                "fix": f.fix,
                "routes": list(f.function.routes),
                "feature": f.function.feature,
                "tests": [asdict(r) for r in f.evidence],
                "screenshot": f"shots/{f.function.key}.png"
                if f.function.key in report.screenshots
                else None,
            }
            for f in report.functions
        ],
        "accessibility": report.accessibility,
        "thresholds": {
            "passed": not report.threshold_failures,
            "failures": report.threshold_failures,
        },
    }


def _score(items: list[ItemResult]) -> float:
    checks = sum(i.element_checks for i in items)
    failed = sum(i.failed(ELEMENT) for i in items)
    return round((checks - failed) / checks, 4) if checks else 0.0


def write(report: ProvinceReport, out_dir: Path) -> Path:
    """Write ``<out_dir>/<code>/summary.json``, ``index.html`` and the screenshots."""
    target = out_dir / report.code
    if target.exists():
        shutil.rmtree(target)
    (target / "shots").mkdir(parents=True)
    for key, shot in report.screenshots.items():
        shutil.copyfile(shot, target / "shots" / f"{key}.png")
    data = summary(report)
    (target / "summary.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    compliance_link = None
    if report.accessibility:
        compliance_link = _relative_link(Path(report.accessibility["report"]), target)
    (target / "index.html").write_text(render(data, compliance_link), encoding="utf-8")
    return target / "index.html"


def _relative_link(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path.resolve(), start.resolve())


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
<footer><p>Written by <code>python -m app.conformance</code>; the same figures are in
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


__all__ = ["ProvinceReport", "ThemeError", "build", "summary", "thresholds", "write"]
