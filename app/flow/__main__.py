"""The sandbox back office (审批系统) on the command line, for demos and manual tests:

    python -m app.flow list                       every application with its status
    python -m app.flow advance NUMBER STATUS [NOTE]
    python -m app.flow purge-drafts               drop drafts untouched for 30 days

STATUS is one of accepted, reviewing, completed, returned, rejected (moves are checked).
"""

from __future__ import annotations

import sys

from app.flow import store


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"list", "advance", "purge-drafts"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "purge-drafts":
        print(f"{store.purge_drafts()} draft(s) removed")
        return 0
    if argv[0] == "list":
        from sqlmodel import col, select

        from app.flow.tables import Application

        with store.session_scope() as s:
            for app in s.exec(select(Application).order_by(col(Application.id))).all():
                print(f"{app.number}  {app.status:<10} {app.item_name}  ({app.owner})")
        return 0
    if len(argv) < 3:
        print("usage: python -m app.flow advance NUMBER STATUS [NOTE]", file=sys.stderr)
        return 2
    try:
        store.advance(argv[1], argv[2], " ".join(argv[3:]))
    except (store.NotFound, store.Refused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{argv[1]} -> {argv[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
