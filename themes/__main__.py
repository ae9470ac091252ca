"""``python -m themes check [PATH]``: validate a province folder and report every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from themes.loader import ThemeError, load_theme, province_dir_from_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m themes")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate a province folder")
    check.add_argument("path", nargs="?", type=Path, help="folder (default: from environment)")
    args = parser.parse_args(argv)
    try:
        theme = load_theme(args.path if args.path else province_dir_from_env())
    except ThemeError as exc:
        print(exc, file=sys.stderr)
        return 1
    ident = theme.settings.identity
    print(f"ok: {theme.folder} ({ident.province} {ident.app_name}, {len(theme.tokens)} tokens)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
