"""Command line: ``python -m app.catalogue {migrate,load,sync,schema,generate}``.

Exit codes: 0 success, 1 validation failure (nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from themes import THEMES_DIR

OK, INVALID, USAGE = 0, 1, 2


def seed_path(province: str) -> Path:
    """The generated catalogue of a built-in province (``themes/<code>/catalogue/items.json``)."""
    return THEMES_DIR / province / "catalogue" / "items.json"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.catalogue", description=__doc__)
    parser.add_argument("--db-url", help="database URL (default: rxconfig db_url / REFLEX_DB_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the Alembic migrations (creates the SQLite file)")
    load = sub.add_parser("load", help="validate then upsert JSON, JSON Lines or CSV files")
    load.add_argument("files", nargs="+", type=Path)
    load.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    sync = sub.add_parser(
        "sync", help="load the province folders' catalogues when they changed (all or nothing)"
    )
    sync.add_argument(
        "--province",
        action="append",
        help="a province code (default: the provinces this instance serves)",
    )
    sync.add_argument("--all", action="store_true", help="every known province folder")
    sync.add_argument("--force", action="store_true", help="load even if unchanged")
    sync.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    sub.add_parser("schema", help="rewrite themes/catalogue.schema.json (for editors)")
    gen = sub.add_parser("generate", help="write N deterministic synthetic items")
    gen.add_argument("n", type=int)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--out", type=Path, required=True, help=".jsonl (streamed) or .json")
    return parser


def _load(paths: list[Path], db_url: str | None, progress: bool | None) -> int:
    from app.catalogue.db import get_engine, upgrade
    from app.ingest import load_files

    engine = get_engine(db_url)
    upgrade(engine)
    shown = sys.stderr.isatty() if progress is None else progress
    report = load_files(paths, engine, progress=shown)
    if not report.ok:
        print(f"{len(report.problems)} problem(s); nothing was written:", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        return INVALID
    print(report.summary())
    return OK


def _sync(args: argparse.Namespace) -> int:
    from app.catalogue.db import get_engine, upgrade
    from app.catalogue.provinces import configured, province, registry
    from app.ingest import sync
    from themes import ThemeError

    try:
        if args.province:
            chosen = [province(code) for code in args.province]
        else:
            chosen = list((registry() if args.all else configured()).values())
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return USAGE
    except ThemeError as exc:
        print(exc, file=sys.stderr)
        return INVALID
    engine = get_engine(args.db_url)
    upgrade(engine)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    report = sync(chosen, engine, progress=progress, force=args.force)
    if not report.ok:
        problems = report.load.problems
        print(f"{len(problems)} problem(s); nothing was written:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return INVALID
    print(f"catalogue: {report.summary()}")
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "migrate":
        from app.catalogue.db import get_engine, upgrade

        engine = get_engine(args.db_url)
        upgrade(engine)
        print(f"schema up to date: {engine.url.render_as_string(hide_password=True)}")
        return OK
    if args.command == "load":
        return _load(args.files, args.db_url, args.progress)
    if args.command == "sync":
        return _sync(args)
    if args.command == "schema":
        from app.catalogue.schema import SCHEMA_PATH, json_schema

        SCHEMA_PATH.write_text(json_schema(), encoding="utf-8")
        print(f"wrote {SCHEMA_PATH}")
        return OK
    if args.n < 0:
        print("N must be zero or more", file=sys.stderr)
        return USAGE
    from app.catalogue.generator import write_items

    started = time.perf_counter()
    write_items(args.n, args.seed, args.out)
    print(f"wrote {args.n} items to {args.out} in {time.perf_counter() - started:.1f} s")
    return OK
