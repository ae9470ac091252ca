"""Function conformance: the mobile-end functions of conformance/functions.toml, each present
or missing in a deployment, with its evidence (routes, the setting, the e2e tests of the last run).

A function is

* ``disabled`` when its ``feature`` is false in the province's theme.toml ``[features]``;
* ``not built`` when it has no route or no test;
* ``present`` when every route is in the route table (app/routes.py) and every listed test has a
  recorded outcome in the last e2e run and all of those passed;
* ``missing`` otherwise, saying which route is absent or which test failed or did not run.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.inputs import ROOT, TestResult
from themes.schema import Features

TABLE = Path(__file__).with_name("functions.toml")
ROUTES_FILE = ROOT / "app" / "routes.py"
ROUTING_FILE = ROOT / "app" / "state" / "routing.py"

PRESENT, DISABLED, MISSING, NOT_BUILT = "present", "disabled", "missing", "not built"


@dataclass(frozen=True)
class Function:
    key: str
    name: str
    title: str
    routes: tuple[str, ...]
    tests: tuple[str, ...]
    feature: str | None = None


@dataclass
class FunctionResult:
    function: Function
    status: str
    reason: str
    evidence: list[TestResult] = field(default_factory=list)
    fix: str = ""


class TableError(ValueError):
    """functions.toml names a route, a setting or a key that does not exist."""


def load_table(path: Path = TABLE, features: set[str] | None = None) -> list[Function]:
    """The function table, checked against the route table and the [features] settings."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if features is None:
        features = set(Features.model_fields)
    known_routes = set(route_paths())
    functions: list[Function] = []
    problems: list[str] = []
    for i, entry in enumerate(data.get("function", [])):
        try:
            fn = Function(
                key=entry["key"],
                name=entry["name"],
                title=entry["title"],
                routes=tuple(entry.get("routes", [])),
                tests=tuple(entry.get("tests", [])),
                feature=entry.get("feature"),
            )
        except KeyError as exc:
            problems.append(f"{path.name}: function {i}: {exc.args[0]} is missing")
            continue
        if fn.feature and fn.feature not in features:
            problems.append(
                f"{path.name}: function {fn.key}: feature {fn.feature!r} is not a theme.toml "
                f"[features] setting ({', '.join(sorted(features))})"
            )
        concrete = [r for r in fn.routes if _pattern(r) not in known_routes]
        problems += [
            f"{path.name}: function {fn.key}: route {r!r} is not in {ROUTES_FILE.name}"
            for r in concrete
        ]
        functions.append(fn)
    keys = [f.key for f in functions]
    problems += [f"{path.name}: key {k!r} is used twice" for k in set(keys) if keys.count(k) > 1]
    if problems:
        raise TableError("\n".join(problems))
    return functions


def _dynamic_routes(path: Path = ROUTING_FILE) -> dict[str, str]:
    """The dynamic routes' patterns named in app/state/routing.py (``ITEM = "/item/[code]"``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def route_paths(path: Path = ROUTES_FILE) -> list[str]:
    """The paths of the route table: the first argument of every ``Route(...)`` in routes.py
    (a string, or a pattern of app/state/routing.py such as ``routing.ITEM``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = _dynamic_routes()
    paths = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Route"):
            continue
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            paths.append(first.value)
        elif isinstance(first, ast.Attribute) and getattr(first.value, "id", None) == "routing":
            paths.append(named[first.attr])
    return paths


def _pattern(route: str) -> str:
    """``/apply/yjs-birth`` is an example of ``/apply/[code]``: map examples to their route."""
    known = route_paths()
    if route in known:
        return route
    parts = route.strip("/").split("/")
    for candidate in known:
        cparts = candidate.strip("/").split("/")
        if len(cparts) == len(parts) and all(
            c == p or (c.startswith("[") and c.endswith("]"))
            for c, p in zip(cparts, parts, strict=True)
        ):
            return candidate
    return route


def matches(test_id: str, nodeid: str) -> bool:
    """A test id names a test (every parameter set) or one parametrisation exactly."""
    return nodeid == test_id or nodeid.startswith(test_id + "[")


def evaluate(
    functions: list[Function], features: Any, results: list[TestResult], theme_file: str
) -> list[FunctionResult]:
    """The status of every function for a province with these features and test results."""
    out: list[FunctionResult] = []
    for fn in functions:
        if fn.feature and getattr(features, fn.feature, True) is False:
            out.append(
                FunctionResult(
                    fn,
                    DISABLED,
                    f"switched off by [features] {fn.feature} = false in {theme_file}",
                )
            )
            continue
        if not fn.routes or not fn.tests:
            out.append(
                FunctionResult(
                    fn,
                    NOT_BUILT,
                    "no page and no e2e test offer it in this codebase",
                    fix="needs code, not configuration; until then the province cannot offer it",
                )
            )
            continue
        evidence: list[TestResult] = []
        gaps: list[str] = []
        for test_id in fn.tests:
            found = [r for r in results if matches(test_id, r.nodeid)]
            evidence += found
            if not found:
                gaps.append(f"{test_id} has no result in the last e2e run")
            gaps += [
                f"{r.nodeid} {r.outcome} ({r.mode}, {r.finished})"
                for r in found
                if r.outcome != "passed"
            ]
        if gaps:
            out.append(
                FunctionResult(
                    fn,
                    MISSING,
                    "; ".join(gaps),
                    evidence,
                    fix="run the e2e suite (make e2e) and fix what fails"
                    + (
                        f", or set [features] {fn.feature} = false in {theme_file}"
                        if fn.feature
                        else ""
                    ),
                )
            )
        else:
            out.append(FunctionResult(fn, PRESENT, "every listed e2e test passed", evidence))
    return out
