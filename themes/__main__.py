"""Command line of the theme layer (no Python needed to use it).

python -m themes check [PATH ...]   validate province folders; list every problem
python -m themes schema [--check]   write (or verify) themes/theme.schema.json
python -m themes list               the built-in provinces
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from themes.loader import THEMES_DIR, available_provinces, load_theme, province_dir_from_env
from themes.problems import ThemeError
from themes.schema import json_schema

SCHEMA_PATH = THEMES_DIR / "theme.schema.json"


def _check(paths: list[Path]) -> int:
    failed = 0
    try:
        folders = paths or [province_dir_from_env()]
    except ThemeError as exc:
        print(exc, file=sys.stderr)
        return 1
    for folder in folders:
        theme, problems = _check_folder(Path(folder))
        if problems or theme is None:
            failed += 1
            print(f"{Path(folder).resolve()}: {ThemeError(problems)}", file=sys.stderr)
            continue
        ident = theme.settings.identity
        print(
            f"ok: {theme.folder} ({ident.province} {ident.app_name}, {len(theme.tokens)} tokens, "
            "contrast AA in standard and elder mode, catalogue, synonyms, forms and "
            "translations valid)"
        )
    return 1 if failed else 0


def _check_folder(folder: Path):
    """The whole folder through the app's readers (catalogue, synonyms, forms); the theme
    alone when the app is not installed beside this package."""
    try:
        from app.province_check import check_folder
    except ImportError:
        try:
            return load_theme(folder), []
        except ThemeError as exc:
            return None, exc.problems
    return check_folder(folder)


def _schema(check: bool) -> int:
    fresh = json_schema()
    if check:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != fresh:
            print(f"{SCHEMA_PATH} is stale: run `python -m themes schema`", file=sys.stderr)
            return 1
        print(f"ok: {SCHEMA_PATH} is up to date")
        return 0
    SCHEMA_PATH.write_text(fresh, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m themes", description=(__doc__ or "").splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate province folders, report every problem")
    check.add_argument(
        "paths", nargs="*", type=Path, help="folders (default: YIWANG_PROVINCE_DIR / _PROVINCE)"
    )
    schema = sub.add_parser("schema", help="write themes/theme.schema.json")
    schema.add_argument("--check", action="store_true", help="fail if the file is stale")
    sub.add_parser("list", help="list the built-in provinces")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.paths)
    if args.command == "schema":
        return _schema(args.check)
    print("\n".join(available_provinces()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
