"""The operator tool of the application flow, for demos and manual tests:

    python -m app.flow list                       every application with its status
    python -m app.flow advance NUMBER STATUS [NOTE]
    python -m app.flow sync                       send queued applications, record changes
    python -m app.flow purge-drafts               drop drafts untouched for 30 days

STATUS is one of accepted, reviewing, completed, returned, rejected (moves are checked).

With ``YIWANG_BACKOFFICE_URL`` set (scripts/run.sh prints the sandbox back office's URL),
``advance`` asks that back office to move the application over HTTP (its operator endpoint)
and then syncs, exactly as the citizen's pages do; queued applications are sent first. Without
it there is no back office and ``advance`` moves the application in the local database.
"""

from __future__ import annotations

import asyncio
import sys

from app.adapters.backoffice import BackOfficeError
from app.adapters.backoffice import client_from_env as backoffice_client
from app.flow import backoffice, checkout, store
from app.flow.store import applications, drafts


async def _advance_remote(number: str, status: str, note: str) -> None:
    client = backoffice_client()
    assert client is not None
    await backoffice.push(client)  # the back office must know the application first
    await client.advance(number, status, note)
    await backoffice.pull(client)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"list", "advance", "sync", "purge-drafts"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "purge-drafts":
        print(f"{drafts.purge_drafts()} draft(s) removed")
        return 0
    if argv[0] == "list":
        for app in applications.everyones():
            unsent = "  (not yet sent to the back office)" if app.outbox else ""
            print(f"{app.number}  {app.status:<10} {app.item_name}  ({app.owner}){unsent}")
        return 0
    if argv[0] == "sync":
        client = backoffice_client()
        if client is None:
            print("error: YIWANG_BACKOFFICE_URL is not set", file=sys.stderr)
            return 1
        try:
            sent = asyncio.run(backoffice.push(client))
            applied = asyncio.run(backoffice.pull(client))
        except BackOfficeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{sent} sent, {applied} change(s) recorded")
        return 0
    if len(argv) < 3:
        print("usage: python -m app.flow advance NUMBER STATUS [NOTE]", file=sys.stderr)
        return 2
    number, status, note = argv[1], argv[2], " ".join(argv[3:])
    try:
        if backoffice_client() is not None:
            asyncio.run(_advance_remote(number, status, note))
        else:
            checkout.advance(number, status, note)
    except (store.NotFound, store.Refused, BackOfficeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{number} -> {status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
