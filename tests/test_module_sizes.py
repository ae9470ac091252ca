"""No module of the app, the component library, the province layer, the scripts, the sandboxes
or the conformance report passes 400 lines (docs/architecture.md): a module that grows past it
is split by responsibility, as payment, files, the loader and the OIDC client were."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ("app", "components", "themes", "scripts", "sandboxes", "conformance")
LIMIT = 400


def sizes() -> dict[str, int]:
    return {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for tree in TREES
        for path in (ROOT / tree).rglob("*.py")
    }


def test_no_module_passes_400_lines() -> None:
    assert {name: n for name, n in sizes().items() if n > LIMIT} == {}


def test_the_count_sees_every_tree() -> None:
    found = sizes()
    assert all(any(name.startswith(f"{tree}/") for name in found) for tree in TREES)
