"""Unified logistics (统一物流) in the application flow: how a result reaches the citizen.

An item that supports express delivery (快递送达) lets the citizen choose window collection
(the hall, its hours and what to bring) or delivery to an address: a county-level division of
the item's province (``app.flow.areas``) plus street and number, a recipient and a phone
(prefilled from the citizen's last delivered application, shown masked). When the back office
completes an express application, a dispatch is queued (``outbox``) and :func:`push` books the
courier; :func:`pull` records the courier's statuses (揽收, 运输中, 派送中, 已签收) on the
application's timeline, each once (by the courier's ``seq``), so they show as messages too.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.adapters.identity import mask_phone
from app.adapters.logistics import TRACKED, LogisticsClient, LogisticsError, TrackEvent
from app.adapters.logistics import client_from_env as logistics_client
from app.db import session_scope
from app.domain.enums import MaterialForm
from app.domain.rules import Milestone
from app.domain.service_item import ServiceItem
from app.flow import store
from app.flow.areas import division_name, divisions
from app.flow.checkout_tables import Delivery
from app.flow.store import timeline
from app.flow.tables import Application
from app.text import st as t

log = logging.getLogger(__name__)
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
METHODS = ("collect", "express")


@dataclass(frozen=True)
class HallInfo:
    name: str
    address: str
    hours: str
    phone: str
    bring: tuple[str, ...]


def hall_of(item: ServiceItem) -> HallInfo | None:
    """Where to collect the result: the item's first hall, and the originals to bring."""
    if not item.halls:
        return None
    hall = item.halls[0]
    bring = [t("本人有效身份证件原件")]
    bring += [m.name for m in item.materials if MaterialForm.ORIGINAL in m.form]
    return HallInfo(hall.name, hall.address, hall.hours, hall.phone or "", tuple(bring))


def check_choice(prefix: str, data: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The delivery choice from the form, cleaned, and the problems by field name."""
    method = data.get("method", "")
    errors: dict[str, str] = {}
    if method not in METHODS:
        return {}, {"method": t("请选择领取方式")}
    if method == "collect":
        return {"method": "collect"}, {}
    recipient = data.get("recipient", "").strip()[:30]
    phone = data.get("phone", "").replace(" ", "").strip()
    division = data.get("division", "").strip()
    detail = data.get("detail", "").strip()[:100]
    if not recipient:
        errors["recipient"] = t("请填写收件人姓名")
    if not PHONE_RE.match(phone):
        errors["phone"] = t("收件人手机号应为 11 位手机号码，以 1 开头")
    if division_name(prefix, division) is None:
        errors["division"] = t("请选择收件地址所在区县")
    if len(detail) < 4:
        errors["detail"] = t("请填写街道、小区和门牌号")
    choice = {
        "method": "express",
        "recipient": recipient,
        "phone": phone,
        "division": division,
        "division_name": division_name(prefix, division) or "",
        "detail": detail,
    }
    return choice, errors


def options(prefix: str) -> tuple[tuple[str, str], ...]:
    return divisions(prefix)


def address_text(choice: dict[str, Any], reveal: bool = False) -> str:
    """``张三 138****5678，历下区 经十路 1 号`` (the phone masked unless revealed)."""
    phone = choice.get("phone", "")
    return t(
        "{recipient}，{phone}，{division}{detail}",
        recipient=choice.get("recipient", ""),
        phone=phone if reveal else mask_phone(phone),
        division=choice.get("division_name", ""),
        detail=choice.get("detail", ""),
    )


def last_address(owner: str, session: Session | None = None) -> dict[str, Any]:
    """The address of the owner's latest express application (to prefill), or {}."""
    with session_scope(session) as s:
        stmt = (
            select(Delivery)
            .where(Delivery.owner == owner, Delivery.method == "express")
            .order_by(col(Delivery.id).desc())
        )
        row = s.exec(stmt).first()
        return dict(row.details) if row is not None else {}


def record(owner: str, number: str, choice: dict[str, Any], s: Session) -> None:
    """The submitted application's delivery (in the submission's session; once)."""
    if not choice:
        return
    if s.exec(select(Delivery).where(Delivery.application_number == number)).first():
        return
    at = store.now()
    s.add(
        Delivery(
            application_number=number,
            owner=owner,
            method=choice["method"],
            details={k: v for k, v in choice.items() if k != "method"},
            created_at=at,
            updated_at=at,
        )
    )


def get(owner: str, number: str, session: Session | None = None) -> Delivery | None:
    with session_scope(session) as s:
        stmt = select(Delivery).where(
            Delivery.owner == owner, Delivery.application_number == number
        )
        return s.exec(stmt.execution_options(populate_existing=True)).first()


def mark_dispatch(number: str, session: Session | None = None) -> bool:
    """The back office completed the application: queue its express dispatch (once)."""
    with session_scope(session) as s:
        row = s.exec(select(Delivery).where(Delivery.application_number == number)).first()
        if row is None or row.method != "express" or row.tracking_no or row.outbox:
            return False
        row.outbox, row.updated_at = "dispatch", store.now()
        s.add(row)
        s.commit()
        return True


def _pending(
    owner: str | None, lease: timedelta | None = None
) -> list[tuple[Delivery, Application]]:
    """Queued dispatches (of ``owner``); with ``lease``, only those this caller claimed: one
    conditional UPDATE per row, so of several workers retrying at once one takes each, and a
    row touched within the lease is left to whoever touched it."""
    with session_scope() as s:
        stmt = (
            select(Delivery, Application)
            .join(Application, col(Application.number) == col(Delivery.application_number))
            .where(Delivery.outbox == "dispatch")
        )
        if owner is not None:
            stmt = stmt.where(Delivery.owner == owner)
        if lease is not None:
            at = store.now()
            won: list[int | None] = []
            ids = select(Delivery.id).where(Delivery.outbox == "dispatch")
            if owner is not None:
                ids = ids.where(Delivery.owner == owner)
            for row in s.exec(ids).all():
                result = s.exec(
                    sa.update(Delivery)
                    .where(
                        col(Delivery.id) == row,
                        col(Delivery.outbox) == "dispatch",
                        col(Delivery.updated_at) < at - lease,
                    )
                    .values(updated_at=at)
                )
                if result.rowcount:
                    won.append(row)
            s.commit()
            stmt = stmt.where(col(Delivery.id).in_(won))
        stmt = stmt.order_by(col(Delivery.id)).execution_options(populate_existing=True)
        return [(d, a) for d, a in s.exec(stmt).all()]


def _booked(delivery_id: int, tracking_no: str) -> None:
    """The courier booked it: record the tracking number once (a conditional UPDATE: of two
    pushes that booked the same dispatch, only one writes the timeline's 已交寄)."""
    with session_scope() as s:
        won = s.exec(
            sa.update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.tracking_no) == "")
            .values(
                tracking_no=tracking_no[:40], status="booked", outbox="", updated_at=store.now()
            )
        )
        if not won.rowcount:
            return
        row = s.get(Delivery, delivery_id)
        assert row is not None
        s.refresh(row)
        app = s.exec(
            select(Application).where(Application.number == row.application_number)
        ).first()
        if app is not None and app.id is not None:
            timeline.record(s, app.id, Milestone.SHIPPED, f"tracking:{row.tracking_no}")
        s.commit()


def _tracking(owner: str | None, lease: timedelta | None = None) -> list[Delivery]:
    """Shipments on their way (of ``owner``); with ``lease``, only those this caller claimed
    (asked about at most once per lease by the whole deployment, not once per worker)."""
    with session_scope() as s:
        stmt = select(Delivery).where(
            Delivery.tracking_no != "", col(Delivery.status).in_(("booked", *TRACKED[:-1]))
        )
        if owner is not None:
            stmt = stmt.where(Delivery.owner == owner)
        rows = list(s.exec(stmt).all())
        if lease is None:
            return rows
        at = store.now()
        won: list[int | None] = []
        for row_id in [r.id for r in rows]:
            result = s.exec(
                sa.update(Delivery)
                .where(col(Delivery.id) == row_id, col(Delivery.updated_at) < at - lease)
                .values(updated_at=at)
            )
            if result.rowcount:
                won.append(row_id)
        s.commit()
        if not won:
            return []
        again = select(Delivery).where(col(Delivery.id).in_(won)).order_by(col(Delivery.id))
        return list(s.exec(again.execution_options(populate_existing=True)).all())


def _moved(delivery_id: int, events: list[TrackEvent]) -> int:
    """Record the courier's new statuses (seq above the last one recorded)."""
    applied = 0
    with session_scope() as s:
        row = s.get(Delivery, delivery_id, populate_existing=True)
        if row is None:
            return 0
        seen = row.last_seq
        new = [
            e for e in sorted(events, key=lambda e: e.seq) if e.seq > seen and e.status in TRACKED
        ]
        if not new:
            return 0
        # recorded once: of two pulls at the same time (two workers, or a worker's periodic
        # retry and a citizen's page) only the one that moves last_seq on from what it read
        # writes the events
        won = s.exec(
            sa.update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.last_seq) == seen)
            .values(last_seq=new[-1].seq, status=new[-1].status, updated_at=store.now())
        )
        if not won.rowcount:
            return 0
        app = s.exec(
            select(Application).where(Application.number == row.application_number)
        ).first()
        for event in new:
            if app is not None and app.id is not None:
                timeline.record(s, app.id, Milestone(event.status), f"tracking:{row.tracking_no}")
            applied += 1
        s.commit()
    return applied


async def push(
    owner: str | None = None,
    client: LogisticsClient | None = None,
    *,
    lease: timedelta | None = None,
) -> int:
    """Book the queued dispatches; how many were booked (stops at the first failure). With
    ``lease`` (the periodic retry on every worker, ``app.flow.outbox``) each row is claimed
    first. Booking twice is harmless: the courier is idempotent by application number and the
    tracking number is recorded once."""
    client = client or logistics_client()
    if client is None:
        return 0
    booked = 0
    for row, app in await asyncio.to_thread(_pending, owner, lease):
        details = row.details
        try:
            shipment = await client.book(
                row.application_number,
                item=app.item_name,
                sender=app.department,
                recipient=str(details.get("recipient", "")),
                phone=str(details.get("phone", "")),
                division=str(details.get("division", "")),
                address=f"{details.get('division_name', '')}{details.get('detail', '')}",
            )
        except LogisticsError as exc:
            log.warning("dispatch of %s not booked: %s", row.application_number, exc)
            return booked
        assert row.id is not None
        await asyncio.to_thread(_booked, row.id, shipment.tracking_no)
        booked += 1
    return booked


async def pull(
    owner: str | None = None,
    client: LogisticsClient | None = None,
    *,
    lease: timedelta | None = None,
) -> int:
    """Record the courier's new statuses of the owner's shipments on their way (with
    ``lease``: those this caller claimed, see :func:`_tracking`)."""
    client = client or logistics_client()
    if client is None:
        return 0
    applied = 0
    for row in await asyncio.to_thread(_tracking, owner, lease):
        try:
            shipment = await client.track(row.tracking_no)
        except LogisticsError as exc:
            log.warning("tracking of %s failed: %s", row.tracking_no, exc)
            return applied
        assert row.id is not None
        applied += await asyncio.to_thread(_moved, row.id, list(shipment.events))
    return applied
