"""``python -m app.flow.forms check [FILES]``: validate form files (default: all shipped)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.flow.forms import FORMS_DIR, FormFileError, parse_form


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "check":
        print("usage: python -m app.flow.forms check [FILES]", file=sys.stderr)
        return 2
    paths = [Path(a) for a in argv[1:]] or sorted(FORMS_DIR.glob("*.yaml"))
    failed = 0
    for path in paths:
        try:
            form = parse_form(path)
            print(f"ok {path.name}: {form.title}, {len(form.steps)} steps")
        except FormFileError as exc:
            failed += 1
            for problem in exc.problems:
                print(f"error {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
