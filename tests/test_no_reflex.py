"""The layers below the states never load Reflex: the domain, the flow's rules, search, the
catalogue, the request context, the adapters' clients and the journeys import in a fresh
interpreter without ``reflex`` in ``sys.modules`` (docs/architecture.md). A failure names the
import chain that pulled it in, from the listed module down to ``reflex``.

(``app.db`` still opens its default session and engine through Reflex's, rxconfig's
``db_url``, when a store function is called: that is a call, not an import.)

The HTTP routes (``app.flow.http``, ``app.flow.payment_http``) are Starlette only and listed
too. Left out: the command lines and ``__main__`` modules, which sit above every layer
(tests/test_layers.py) and which nothing listed imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "app.domain",
    "app.flow",
    "app.search",
    "app.catalogue",
    "app.adapters",
    "app.journeys",
)
SINGLE = ("app.context", "app.text", "app.db", "app.offloop", "components.locales")
ENTRY_POINTS = {"__main__", "cli", "evaluate"}


def listed() -> list[str]:
    """Every module of the listed layers, by name (command lines left out)."""
    names: list[str] = list(SINGLE)
    for package in PACKAGES:
        folder = ROOT / package.replace(".", "/")
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if parts[-1] in ENTRY_POINTS:
                continue
            names.append(name)
    return names


# Run in the child: records which module's body was running when each module was first
# imported, imports the modules, and prints the chain from a listed module to reflex.
_PROBE = """
import importlib, json, sys

parent = {}

class Recorder:
    def find_spec(self, name, path=None, target=None):
        if name not in sys.modules and name not in parent:
            frame = sys._getframe(1)
            while frame is not None:
                module = frame.f_globals.get("__name__")
                if frame.f_code.co_name == "<module>" and module in sys.modules:
                    parent[name] = module
                    break
                frame = frame.f_back
        return None

sys.meta_path.insert(0, Recorder())
culprits = {}
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    if "reflex" in sys.modules and not culprits:
        chain = ["reflex"]
        while chain[-1] != name and chain[-1] in parent:
            chain.append(parent[chain[-1]])
        culprits[name] = list(reversed(chain))
print(json.dumps(culprits))
"""


def test_the_layers_below_the_states_import_without_reflex() -> None:
    names = listed()
    assert "app.flow.wizard" in names and "app.domain.rules" in names
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(names)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    culprits: dict[str, list[str]] = json.loads(run.stdout.strip().splitlines()[-1])
    assert not culprits, "Reflex loaded by " + "; ".join(
        f"{name}: {' -> '.join(chain)}" for name, chain in culprits.items()
    )
