"""``yiwang``: the console script installed into the venv (``.venv/bin/yiwang``).

yiwang check PATH ...     validate province folders (= python -m themes check)
yiwang sync [--all]       load the provinces' catalogues (= python -m app.catalogue sync)
yiwang search QUERY ...   search a province's catalogue (= python -m app.search)
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = (__doc__ or "").strip().splitlines()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command, rest = (args[0], args[1:]) if args else ("", [])
    if command == "check":
        from themes.__main__ import main as themes_main

        return themes_main(["check", *rest])
    if command == "sync":
        from app.catalogue.cli import main as catalogue_main

        return catalogue_main(["sync", *rest])
    if command == "search":
        from app.search.cli import main as search_main

        return search_main(rest)
    print("\n".join(USAGE[2:]), file=sys.stderr if command not in ("-h", "--help") else sys.stdout)
    return 0 if command in ("-h", "--help") else 2


if __name__ == "__main__":
    raise SystemExit(main())
