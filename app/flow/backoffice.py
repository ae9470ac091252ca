"""The flow's side of the back-office adapter: send what the back office has not heard yet
(submissions, corrections) and record the status changes it made.

Nothing here loses an application: a submission or correction that cannot be sent stays in the
application's ``outbox`` and is sent again on the next :func:`sync` (every load of 我的 and of
a progress page). Changes are recorded through :func:`app.flow.store.applications.advance`, the same code
path as the local operator tool, so messages, the timeline and correction rounds come out the
same; each change is applied once (by its ``seq``).

These coroutines run on a worker's event loop (the 我的 and progress pages, the submit
handler), so every database call in them goes to a thread (``asyncio.to_thread``): a commit
waiting on PostgreSQL must not hold up the other tabs of the worker.
"""

from __future__ import annotations

import asyncio
import logging

from app.adapters.backoffice import BackOfficeClient, BackOfficeError, Change
from app.adapters.backoffice import client_from_env as backoffice_client
from app.flow import checkout, store
from app.flow.store import applications, outbox
from app.flow.tables import Application

log = logging.getLogger(__name__)
PAGE = 200


async def send(client: BackOfficeClient, app: Application) -> None:
    """Send the application's outbox; raises :class:`BackOfficeError`."""
    if app.outbox == "submit":
        await client.submit(
            app.number,
            item_code=app.item_code,
            item_name=app.item_name,
            department=app.department,
            promised_days=app.promised_days,
            submitted_at=store.aware(app.submitted_at).isoformat(timespec="seconds"),
            values=app.values,
        )
    elif app.outbox == "correction":
        assert app.id is not None
        files = [str(f) for f in app.values.get("corrections", [])]
        round_ = await asyncio.to_thread(applications.correction_round, app.id)
        await client.send_correction(app.number, round_, files)
    else:
        return
    await asyncio.to_thread(outbox.mark_sent, app.number, app.outbox)


async def push(client: BackOfficeClient, owner: str | None = None) -> int:
    """Send every pending outbox (of ``owner``, or everyone's); return how many were sent.
    Stops at the first failure (the back office is down or refuses) and raises it."""
    sent = 0
    for app in await asyncio.to_thread(outbox.pending, owner):
        await send(client, app)
        sent += 1
    return sent


async def pull(client: BackOfficeClient) -> int:
    """Record the back office's changes after the cursor; return how many were applied.

    The cursor is the last change applied to any application, so a change for a number this
    instance does not know (another deployment's) is fetched again next time, never applied.
    """
    applied = 0
    since = await asyncio.to_thread(outbox.backoffice_cursor)
    while True:
        changes = await client.changes(since, PAGE)
        applied += await asyncio.to_thread(_apply, changes)
        if len(changes) < PAGE or changes[-1].seq <= since:
            return applied
        since = changes[-1].seq


def _apply(changes: list[Change]) -> int:
    """Record a page of changes (in a worker thread); how many were new."""
    applied = 0
    for change in changes:
        try:
            if checkout.advance(change.number, change.status, change.note, seq=change.seq):
                applied += 1
        except store.NotFound:
            log.warning(
                "back office change %s for unknown application %s", change.seq, change.number
            )
        except store.Refused as exc:
            log.warning("back office change %s not applied: %s", change.seq, exc)
    return applied


async def sync(
    owner: str | None = None, client: BackOfficeClient | None = None, *, pull_changes: bool = True
) -> bool:
    """Push pending outboxes, then pull changes (unless ``pull_changes`` is false: the submit
    handler only hands its application over; the pages that show statuses pull). ``False`` when
    no back office is configured or it could not be reached (logged; the page shows what is
    recorded locally)."""
    client = client or backoffice_client()
    if client is None:
        return False
    try:
        await push(client, owner)
        if pull_changes:
            await pull(client)
    except BackOfficeError as exc:
        log.warning("back office sync failed: %s", exc)
        return False
    return True
