"""Command line: ``python -m app.search "QUERY" --province CODE --limit N --json``.

Also ``python -m app.search --reindex`` (rebuild the index from the catalogue). Exit codes:
0 success (also for no hits), 2 usage error (the message names the argument).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from app.domain.enums import Audience

OK, USAGE = 0, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.search", description=__doc__)
    parser.add_argument("query", nargs="?", help="what a citizen would type")
    parser.add_argument("--province", help="province code (shandong, sichuan)")
    parser.add_argument("--limit", type=int, default=10, help="number of hits (1-100)")
    parser.add_argument("--json", action="store_true", help="print a JSON list of hits")
    parser.add_argument(
        "--audience",
        choices=sorted(v for a in Audience for v in (a.value, a.key)),
        help="个人/person or 法人/business",
    )
    parser.add_argument("--department", help="implementing body, exact name")
    parser.add_argument("--level", help="省级, 市级, 县级 …")
    parser.add_argument("--online", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--area", help="the user's area code (ranks nearby items first)")
    parser.add_argument("--synonyms", type=Path, help="a synonyms TOML file to try instead")
    parser.add_argument("--db-url", help="database URL (default: rxconfig db_url)")
    parser.add_argument("--reindex", action="store_true", help="rebuild the index and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from app.catalogue.db import get_engine
    from app.search.index import Filters
    from app.search.service import SearchError, search, sync, sync_missing
    from app.search.synonyms import SynonymError

    engine = get_engine(args.db_url)
    if args.reindex:
        with engine.begin() as conn:
            n = sync(conn)
        print(f"indexed {n} items")
        return OK
    if args.query is None:
        parser.print_usage(sys.stderr)
        print("python -m app.search: error: QUERY is required", file=sys.stderr)
        return USAGE
    audience = Audience.parse(args.audience or "")  # a word or a key (argparse's choices)
    filters = Filters(
        audience=audience.value if audience else None,
        department=args.department,
        level=args.level,
        online=args.online,
    )
    try:
        if args.province:  # the province's folder, loaded (or refreshed) when it changed
            from app.ingest import ensure_loaded_problems

            problems = ensure_loaded_problems(engine, [args.province])
            if problems:
                for line in problems[:-1]:
                    print(line, file=sys.stderr)
                raise SearchError(f"province: {problems[-1]}")
        with engine.begin() as conn:
            sync_missing(conn)  # a database migrated before the index existed
        with engine.connect() as conn:
            result = search(
                conn,
                args.query,
                province=args.province,
                limit=args.limit,
                filters=filters,
                area=args.area,
                synonyms_path=args.synonyms,
            )
    except (SearchError, SynonymError) as exc:
        print(f"python -m app.search: error: {exc}", file=sys.stderr)
        return USAGE
    if args.json:
        print(json.dumps([h.as_dict() for h in result.hits], ensure_ascii=False, indent=1))
    else:
        if not result.hits:
            print("no results")
        for h in result.hits:
            print(f"{h.score:7.3f}  {h.name}  [{h.code}]  {h.department}")
    return OK
