"""Assemble one province's conformance (catalogue, functions, accessibility) and write it as
``summary.json`` and an accessible ``index.html`` (drawn by conformance/page.py)."""

from __future__ import annotations

import json
import shutil
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.catalogue.readers import Problem
from conformance import inputs
from conformance.elements import check_record, relative
from conformance.findings import CONSISTENCY, ELEMENT, Context, ItemResult
from conformance.functions import DISABLED, PRESENT, FunctionResult, evaluate, load_table
from conformance.page import render
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
                    "conformance/thresholds.toml"
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


__all__ = ["ProvinceReport", "ThemeError", "build", "summary", "thresholds", "write"]
