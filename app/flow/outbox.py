"""The back-office sync and the payment and delivery outboxes, run without a citizen
(issue 15, outages).

An order the cashier could not be reached for, a refund it has not taken and a dispatch the
courier has not booked wait in their rows' ``outbox``. A citizen's own page sends their rows
again (``checkout.sync`` on 我的 and the progress pages, the pay page's 重新支付); this module
sends everyone's, every ``YIWANG_OUTBOX_INTERVAL_S`` seconds (default 30, ``0`` turns it off),
from a lifespan task of every backend worker (``app/app.py``), and records the courier's new
tracking statuses, so a refund, a booking or 已签收 does not wait for the citizen to come back.

Status changes made in the back office are pulled here too (``backoffice.sync``: the
same code path as a page's load), with what the back office has not heard yet, so a
completion, its dispatch, the courier's statuses and their messages advance with no page
open. The change feed is one job for the whole deployment: the worker holding the
``backoffice-sync`` lease (``app.flow.leases``) pulls it; the others skip it that round.

Every worker runs it at once. Each row is claimed first (``lease``: one conditional UPDATE
per row, so one worker takes it; a row touched within the lease, by a citizen's own retry or
another worker's send still under way, is left alone), and what an answer changes is written
once (conditional UPDATEs in ``payment`` and ``delivery``). A row whose send fails is tried
again once its lease has passed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta

from app.adapters.backoffice import BackOfficeError
from app.adapters.backoffice import client_from_env as backoffice_client
from app.flow import backoffice, delivery, leases, payment

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_S = 30.0
#: the lease of the back-office sync: one worker of the deployment pulls the change feed
BACKOFFICE_LEASE = "backoffice-sync"


def interval_s() -> float:
    """Seconds between two retries of a worker (``YIWANG_OUTBOX_INTERVAL_S``; 0: off)."""
    raw = os.environ.get("YIWANG_OUTBOX_INTERVAL_S", "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_INTERVAL_S
    except ValueError:
        raise ValueError(f"YIWANG_OUTBOX_INTERVAL_S must be seconds, got {raw!r}") from None
    if seconds < 0:
        raise ValueError(f"YIWANG_OUTBOX_INTERVAL_S must be 0 (off) or more, got {raw!r}")
    return seconds


async def sync_backoffice(lease: timedelta) -> int:
    """Send what the back office has not heard (submissions, corrections) and record its
    status changes, if this worker holds the deployment's back-office lease (else 0: another
    worker does it this round). How many were sent or recorded. A completion recorded here
    queues its dispatch and a rejection its refund (``checkout.after_move``): the steps after
    this one in :func:`retry_once` send them."""
    client = backoffice_client()
    if client is None or not await asyncio.to_thread(leases.take, BACKOFFICE_LEASE, lease):
        return 0
    try:
        sent = await backoffice.push(client)
        return sent + await backoffice.pull(client)
    except BackOfficeError as exc:  # down or refusing: everything stays queued
        log.warning("outbox retry: back office sync failed: %s", exc)
        return 0


async def retry_once(lease: timedelta) -> int:
    """Sync the back office (one worker of the deployment: :func:`sync_backoffice`), send
    every claimable row of the payment and delivery outboxes and pull tracking; how many
    were sent or recorded. One outside system being away does not stop the others."""
    done = 0
    steps: tuple[tuple[str, Callable[[], Awaitable[int]]], ...] = (
        ("back office", lambda: sync_backoffice(lease)),
        ("payment", lambda: payment.push(None, lease=lease)),
        ("dispatch", lambda: delivery.push(None, lease=lease)),
        ("tracking", lambda: delivery.pull(None, lease=lease)),
    )
    for what, step in steps:
        try:
            done += await step()
        except Exception:  # logged; the rows stay queued for the next round
            log.exception("outbox retry (%s) failed", what)
    return done


async def run(every_s: float | None = None) -> None:
    """Retry the outboxes until cancelled (the app's lifespan task)."""
    every = interval_s() if every_s is None else every_s
    if every <= 0:
        return
    lease = timedelta(seconds=every)
    while True:
        # workers started together spread out instead of claiming in step
        await asyncio.sleep(every * random.uniform(0.5, 1.0))
        if sent := await retry_once(lease):
            log.info("outbox retry: %d sent or recorded", sent)
