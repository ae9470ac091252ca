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

# Lower number = higher layer. A module may import its own layer's packages or lower ones.
RANK: dict[str, float] = {
    "sandboxes": 0,  # the services' stand-ins on loopback: above the app, like an entry point
    "conformance": 0,  # the conformance report: reads catalogue, flow forms, e2e results
    "app": 7,  # app/__init__.py: the package itself, importing nothing
    "app.app": 0,
    "app.cli": 0,  # the yiwang console script
    "app.routes": 1,
    "app.pages": 2,
    # the Reflex seam: hooks the app installs at start-up, handing them the states they reach
    # (the notice state's name, the personal-data state): they import no state
    "app.resilience": 4.8,
    "app.state": 4,
    "app.journeys": 4.5,  # the use cases: below the states, above the rules they call
    "app.ingest": 4,  # catalogue files into the database and the search index: above both
    "app.flow": 5,
    "app.catalogue": 5,
    "app.search": 5,
    "app.adapters": 5,
    "app.readcache": 5,
    "app.serving": 5,
    "app.province_check": 5,  # one check over a province folder: catalogue, search, forms
    "app.licence_show": 5,  # 亮证 codes: signed, short-lived, over the e-licence adapter
    "app.settings": 6,
    "app.context": 6,  # the request context: the host resolved once into one Province
    "app.content_i18n": 6,
    # server text in every shipped locale and its formatter: no Reflex, below every rule
    "app.text": 7,
    "themes": 6,
    "app.domain": 7,
    "app.db": 7,
    "app.offloop": 7,  # blocking work off the event loop, in one database session
    "app.audit": 7,  # structured security events, written from routes and states
    # security rules (public URLs, cookies, encryption, headers) sit below everything that
    # uses them; its two Reflex seams (event limits, the personal-data guard) sit with
    # app.resilience, below the states (app/app.py hands them the states at start-up)
    "app.security": 7,
    "app.security.limits": 4.8,
    "app.security.guard": 4.8,
    "components": 7,
}

# Edges between packages that close a cycle today, each with its reason; for their owners to
# remove. Nothing else may form a cycle. (None today: the catalogue loader's search-index sync
# moved into app.ingest, the flow's rules into app.domain.rules.)
KNOWN_CYCLES: set[tuple[str, str]] = set()

# The command lines of the packages: they sit above every layer like ``__main__`` (loading a
# catalogue keeps the search index in step, so they call app.ingest; the evaluation loads the
# provinces its labelled set names); nothing in the app imports them
# (test_nothing_imports_an_entry_point).
COMMAND_LINES = {"app.catalogue.cli", "app.search.cli", "app.search.evaluate"}


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
