"""The layers import one way (docs/architecture.md): pages -> states -> flow, catalogue,
search, adapters -> domain, db, with the province layer (themes, app.settings) and the component
library below them. Read from the source (every import, also those inside functions), so a new
edge that goes up or closes a cycle fails here; today's known exceptions are listed by name
and the test fails too when one of them is gone (take it off the list)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "components", "themes", "sandboxes", "conformance")
# Beside the app, not in it: the services' stand-ins (sandboxes/) and the conformance report
# (conformance/) import the app like an entry point; nothing in these packages imports them.
APP_PACKAGES = ("app", "components", "themes")
BESIDE_THE_APP = ("sandboxes", "conformance")

# The layers, highest first: a module may import its own entry or one below it, never one
# above. Every entry has a rank of its own, so the order is total: flow above search above the
# catalogue above the adapters, the request context above the province settings, the Reflex
# hooks (resilience, the personal-data guard, the event limits) below the states they serve.
ORDER = (
    "sandboxes",  # the services' stand-ins on loopback: above the app, like an entry point
    "conformance",  # the conformance report: reads catalogue, flow forms, e2e results
    "app.cli",  # the yiwang console script
    "app.app",  # builds rx.App; installs the hooks with the states they reach
    "app.routes",
    "app.pages",
    "app.state",  # event adapters: one journey call per event
    "app.journeys",  # the use cases: plain typed Python, no Reflex
    "app.ingest",  # catalogue files into the database and the search index: above both
    "app.province_check",  # one check over a province folder: catalogue, search, forms
    "app.flow",  # the application's rules and their stores
    "app.licence_show",  # 亮证 codes: signed, short-lived, over the e-licence adapter
    "app.search",
    "app.catalogue",
    "app.adapters",  # clients of outside systems
    "app.readcache",
    "app.serving",
    "app.context",  # the request context: the host resolved once into one Province
    "app.settings",  # the provinces this build serves
    "app.content_i18n",  # a province's content translations
    "themes",
    # the Reflex seams, handed the states they reach by app.app at start-up
    "app.security.guard",
    "app.security.limits",
    "app.resilience",
    "app.offloop",  # blocking work off the event loop, in one database session
    "app.audit",  # structured security events
    "app.security",  # public URLs, outbound URLs, cookies, encryption, headers
    "app.db",  # the engine and sessions
    "app.text",  # server text in every shipped locale and its formatter
    "app.domain",  # types and rules every layer shares
    "components",  # the component library (components.locales: Reflex-free locale facts)
    "app",  # app/__init__.py: the package itself, importing nothing
)
RANK: dict[str, int] = {name: rank for rank, name in enumerate(ORDER)}

# Edges between packages that close a cycle today, each with its reason; for their owners to
# remove. Nothing else may form a cycle. (None today: the catalogue loader's search-index sync
# moved into app.ingest, the flow's rules into app.domain.rules.)
KNOWN_CYCLES: set[tuple[str, str]] = set()

# The command lines of the packages: they sit above every layer like ``__main__`` (loading a
# catalogue keeps the search index in step, so they call app.ingest; the evaluation loads the
# provinces its labelled set names); nothing in the app imports them
# (test_nothing_imports_an_entry_point).
COMMAND_LINES = {
    "app.catalogue.cli",
    "app.search.cli",
    "app.search.evaluate",
    "app.resilience.cli",  # installed by scripts/reflex_run.py before ``reflex run`` starts
    "app.cli",  # the yiwang console script
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def group(module: str) -> str:
    """The module's layer entry: a module listed by itself in RANK, else its package."""
    parts = module.split(".")
    if len(parts) > 2 and ".".join(parts[:3]) in RANK:
        return ".".join(parts[:3])
    return ".".join(parts[:2]) if parts[0] == "app" and len(parts) > 1 else parts[0]


def is_entry_point(module: str) -> bool:
    """Command-line entry points sit above every layer (``python -m themes`` …)."""
    return module.endswith(".__main__") or module in {"app.app", "app.routes", *COMMAND_LINES}


def imports(mods: dict[str, Path]) -> set[tuple[str, str]]:
    edges = set()
    for module, path in mods.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            for name in names:
                while name and name not in mods:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    edges.add((module, name))
    return edges


def package_edges() -> set[tuple[str, str]]:
    return {
        (group(a), group(b))
        for a, b in imports(modules())
        if group(a) != group(b) and not is_entry_point(a)
    }


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_package_has_a_layer() -> None:
    assert {group(m) for m in modules()} - set(RANK) == set()


def test_imports_go_down_the_layers() -> None:
    known = KNOWN_CYCLES | {(b, a) for a, b in KNOWN_CYCLES}
    upward = sorted(
        f"{a} (layer {RANK[a]}) imports {b} (layer {RANK[b]})"
        for a, b in package_edges()
        if RANK[b] < RANK[a] and (a, b) not in known
    )
    assert upward == []


def test_no_cycles_but_the_known_ones() -> None:
    edges = package_edges()
    known = KNOWN_CYCLES | {(b, a) for a, b in KNOWN_CYCLES}
    assert cycles(edges - known) == []
    gone = sorted(pair for pair in KNOWN_CYCLES if not {pair, pair[::-1]} <= edges)
    assert gone == [], f"no longer a cycle, take it off KNOWN_CYCLES: {gone}"


def test_nothing_imports_an_entry_point() -> None:
    """An entry point may import any layer because nothing but another entry point (or the
    ``yiwang`` console script, app.cli) imports it."""
    importers = sorted(
        f"{a} imports {b}"
        for a, b in imports(modules())
        if b in COMMAND_LINES and not is_entry_point(a) and group(a) != "app.cli"
    )
    assert importers == []


def test_the_app_does_not_import_what_runs_beside_it() -> None:
    """The sandboxes start beside the app (python -m sandboxes) and the conformance report reads
    it (python -m conformance); neither is ever imported by the app."""
    importers = sorted(
        f"{a} imports {b}"
        for a, b in imports(modules())
        if a.split(".")[0] in APP_PACKAGES and b.split(".")[0] in BESIDE_THE_APP
    )
    assert importers == []


def test_no_module_imports_itself_around() -> None:
    """Module by module too: no import cycle at all (routes -> pages -> routes was one)."""
    assert cycles(imports(modules())) == []


def test_the_checks_see_an_upward_edge_and_a_cycle() -> None:
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert RANK["app.flow"] > RANK["app.state"]  # so flow -> state is reported as upward
    assert len(set(RANK.values())) == len(RANK)  # every layer has a rank of its own


def function_local_imports() -> list[str]:
    """Imports of the project's own modules inside a function body (outside the command lines,
    which import lazily so that ``--help`` stays fast)."""
    own = tuple(f"{p}." for p in PACKAGES) + PACKAGES
    found = []
    for module, path in modules().items():
        if is_entry_point(module):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                elif isinstance(node, ast.ImportFrom):
                    names = [f".{node.module or ''}"]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    if name.startswith(".") or name.startswith(own) or name in PACKAGES:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    return sorted(set(found))


def test_no_function_local_import_hides_an_edge() -> None:
    """Every edge between the project's modules is at the top of a module, where a reader
    (and this test) sees it; an import inside a function hid cycles and upward edges."""
    assert function_local_imports() == []
