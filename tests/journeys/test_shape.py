"""The journeys are plain Python and the states only adapt events (docs/architecture.md): read
from the source, so a journey that imports Reflex or a state, or a state that opens a database
session, calls an adapter or imports another state, fails here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JOURNEYS = sorted((ROOT / "app" / "journeys").glob("*.py"))
#: every state module (the event adapters); context, routing and focus are their helpers
THIN_STATES = sorted((ROOT / "app" / "state").glob("*.py"))
#: what a thin state may import (besides the standard library)
STATE_MAY_IMPORT = (
    "reflex",
    "app.journeys",
    "app.context",
    "app.state.context",
    "app.state.routing",
    "app.state.flow_auth",  # the session base the flow states subclass
    "app.state.focus",  # the focus script a journey's Focus becomes
    "app.offloop",
    "app.audit",
    "app.domain",
    "app.security.sealed",  # the session state is sealed at rest in the state manager
    "app.security.session_cookie",  # context.py: the browser's session secret, by its socket
    "app.text.LOCALE_COOKIE",  # context.py: the name of the locale cookie
)


def imported(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_journeys_import_no_reflex_no_state_and_no_component() -> None:
    banned = ("reflex", "reflex_base", "app.state", "app.offloop", "app.pages", "components")
    found = {
        f"{path.name} imports {name}"
        for path in JOURNEYS
        for name in imported(path)
        if _under(name, banned)
    }
    assert found == set()


def test_thin_states_import_only_journeys_and_their_adapters() -> None:
    stdlib = ("__future__", "json", "math", "typing", "dataclasses", "urllib.parse")
    found = {
        f"{path.name} imports {name}"
        for path in THIN_STATES
        for name in imported(path)
        if not _under(name, STATE_MAY_IMPORT + stdlib)
    }
    assert found == set()


def test_thin_states_are_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in THIN_STATES}
    assert {name: n for name, n in sizes.items() if n > 210} == {}


def test_the_checks_see_a_bad_import() -> None:
    assert _under("reflex.state", ("reflex",)) and not _under("reflexive", ("reflex",))
    assert not _under("app.catalogue.db", STATE_MAY_IMPORT)
