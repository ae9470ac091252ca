"""Write the built-in provinces' catalogues themes/<code>/catalogue/items.json from the service
templates and the places files (app/catalogue/build/places/<code>.toml).

Deterministic: the same templates give byte-identical files. Run from the project root:

    python -m scripts.build_seed            # all shipped provinces
    python -m scripts.build_seed --check    # exit 1 if a committed file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.catalogue.build.builder import seed_items
from app.catalogue.build.places import all_places

ROOT = Path(__file__).resolve().parents[1]

THEMES = ROOT / "themes"


def seed_path(code: str) -> Path:
    """Where a built-in province's generated catalogue lives in its folder."""
    return THEMES / code / "catalogue" / "items.json"


def render(code: str) -> str:
    """The JSON text of one province's seed catalogue."""
    province = all_places()[code]
    doc = {
        "province": code,
        "generated_by": "scripts/build_seed.py",
        "items": list(seed_items(province)),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args()
    stale = []
    for code in sorted(all_places()):
        path, text = seed_path(code), render(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"stale: {path} (run python -m scripts.build_seed)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
