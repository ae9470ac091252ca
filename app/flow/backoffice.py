"""The flow's side of the back-office adapter: send what the back office has not heard yet
(submissions, corrections) and record the status changes it made.

Nothing here loses an application: a submission or correction that cannot be sent stays in the
application's ``outbox`` and is sent again on the next :func:`sync` (every load of 我的 and of
a progress page). Changes are recorded through :func:`app.flow.store.advance`, the same code
path as the local operator tool, so messages, the timeline and correction rounds come out the
same; each change is applied once (by its ``seq``).
"""

from __future__ import annotations

import logging

from app.adapters.backoffice import BackOfficeClient, BackOfficeError
from app.adapters.backoffice import client_from_env as backoffice_client
from app.flow import store
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
        await client.send_correction(app.number, store.correction_round(app.id), files)
    else:
        return
    store.mark_sent(app.number, app.outbox)


async def push(client: BackOfficeClient, owner: str | None = None) -> int:
    """Send every pending outbox (of ``owner``, or everyone's); return how many were sent.
    Stops at the first failure (the back office is down or refuses) and raises it."""
    sent = 0
    for app in store.pending(owner):
        await send(client, app)
        sent += 1
    return sent


async def pull(client: BackOfficeClient) -> int:
    """Record the back office's changes after the cursor; return how many were applied.

    The cursor is the last change applied to any application, so a change for a number this
    instance does not know (another deployment's) is fetched again next time, never applied.
    """
    applied = 0
    since = store.backoffice_cursor()
    while True:
        changes = await client.changes(since, PAGE)
        for change in changes:
            try:
                if store.advance(change.number, change.status, change.note, seq=change.seq):
                    applied += 1
            except store.NotFound:
                log.warning(
                    "back office change %s for unknown application %s", change.seq, change.number
                )
            except store.Refused as exc:
                log.warning("back office change %s not applied: %s", change.seq, exc)
        if len(changes) < PAGE or changes[-1].seq <= since:
            return applied
        since = changes[-1].seq


async def sync(owner: str | None = None, client: BackOfficeClient | None = None) -> bool:
    """Push pending outboxes, then pull changes. ``False`` when no back office is configured or
    it could not be reached (logged; the page shows what is recorded locally)."""
    client = client or backoffice_client()
    if client is None:
        return False
    try:
        await push(client, owner)
        await pull(client)
    except BackOfficeError as exc:
        log.warning("back office sync failed: %s", exc)
        return False
    return True
