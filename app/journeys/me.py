"""我的: the citizen's drafts, applications and messages (``overview``, ``delete_draft``); the
labels of statuses, notes and 好差评 levels the progress page (``app.journeys.application``)
shares.

Every function reads the session first (``app.journeys.account.account``: the view the page
shows of it comes back with the result) and only ever reads the signed-in citizen's own rows:
another citizen's draft or application is not found, and the attempt is an audit line.
Catalogue texts are shown in every locale the request's province translates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.catalogue.i18n import content_for, content_text
from app.context import RequestContext
from app.domain.rules import Status
from app.flow import backoffice, checkout, payment, store
from app.flow.store import applications, drafts
from app.journeys.account import Account, account
from app.journeys.blocking import Blocking, inline
from app.journeys.session import record
from app.text import N_
from app.text import st as t
from app.text.format import local_datetime, local_fee

#: 好差评 levels, 5 (best) to 1: message ids (the page shows them with ``t``)
LEVEL_MESSAGES = {
    5: N_("非常满意"),
    4: N_("满意"),
    3: N_("基本满意"),
    2: N_("不满意"),
    1: N_("非常不满意"),
}


def status_label(status: str) -> str:
    """An application's status (or a payment or delivery milestone) as a local text."""
    labels: dict[str, str] = {
        Status.SUBMITTED: t("已提交"),
        Status.ACCEPTED: t("已受理"),
        Status.REVIEWING: t("审查中"),
        Status.COMPLETED: t("已办结"),
        Status.RETURNED: t("退回补正"),
        Status.REJECTED: t("不予受理"),
    }
    return labels.get(status) or checkout.event_label(status) or status


def level_label(level: int) -> str:
    """A 好差评 level as a local text."""
    return t(LEVEL_MESSAGES[level])


def event_note(note: str) -> str:
    if note == "correction":
        return t("已补正材料")
    return checkout.event_note(note) or note


def money(fen: int) -> str:
    """An amount in fen as a local text."""
    return local_fee(Decimal(fen) / 100)


def when(value: datetime) -> str:
    return local_datetime(store.aware(value).astimezone(), "short")


def content_of(ctx: RequestContext) -> Callable[[str], str]:
    """A catalogue text in every locale the request's province translates."""
    folder = ctx.province.folder
    return lambda text: content_text(text, content_for(folder))


async def sync(sub: str) -> None:
    """Statuses from the back office, refunds, dispatches and tracking (issue 15)."""
    await backoffice.sync(sub)
    await checkout.sync(sub)


# -- 我的 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    id: int = 0
    name: str = ""
    saved: str = ""
    href: str = ""
    delete_label: str = ""


@dataclass(frozen=True)
class ApplicationRow:
    number: str = ""
    name: str = ""
    status: str = ""
    submitted: str = ""
    href: str = ""
    #: 电子票据号 of a paid application (issue 15)
    receipt: str = ""


@dataclass(frozen=True)
class MessageRow:
    text: str = ""
    at: str = ""
    href: str = ""


@dataclass(frozen=True)
class Overview:
    """我的 of the signed-in citizen (``account`` None: signed out, every list empty)."""

    account: Account | None = None
    drafts: tuple[DraftRow, ...] = ()
    applications: tuple[ApplicationRow, ...] = ()
    messages: tuple[MessageRow, ...] = ()
    notice: str = ""


def _overview(ctx: RequestContext, acc: Account, notice: str = "") -> Overview:
    sub, content = acc.identity.sub, content_of(ctx)
    paid = payment.receipts(sub)
    return Overview(
        acc,
        tuple(
            DraftRow(
                id=d.id or 0,
                name=content(d.item_name),
                saved=t("保存于 {when}", when=when(d.updated_at)),
                href=f"/apply/{d.item_code}",
                delete_label=t("删除草稿：{name}", name=content(d.item_name)),
            )
            for d in drafts.list_drafts(sub)
        ),
        tuple(
            ApplicationRow(
                number=a.number,
                name=content(a.item_name),
                status=status_label(a.status),
                submitted=when(a.submitted_at),
                href=f"/me/applications/{a.number}",
                receipt=paid[a.number].receipt_no if a.number in paid else "",
            )
            for a in applications.list_applications(sub)
        ),
        tuple(
            MessageRow(
                text=t(
                    "您申请的“{name}”（办件编号 {number}）：{status}",
                    name=content(a.item_name),
                    number=a.number,
                    status=status_label(e.status),
                ),
                at=when(e.at),
                href=f"/me/applications/{a.number}",
            )
            for a, e in applications.recent_events(sub)
        ),
        notice,
    )


async def overview(
    ctx: RequestContext, revealed: bool = False, was: str = "", blocking: Blocking = inline
) -> Overview:
    """我的: drafts, applications (their statuses fresh from the back office) and messages."""
    acc = await blocking(account, ctx, revealed, was)
    if acc is None:
        return Overview()
    await sync(acc.identity.sub)
    return await blocking(_overview, ctx, acc)


def delete_draft(
    ctx: RequestContext, draft_id: object, revealed: bool = False, was: str = ""
) -> Overview:
    """删除草稿: only the citizen's own (another's is not found, and audited)."""
    acc = account(ctx, revealed, was)
    if acc is None:
        return Overview()
    sub = acc.identity.sub
    try:
        drafts.delete_draft(sub, int(str(draft_id)))
        notice = t("草稿已删除。")
    except (store.NotFound, ValueError, TypeError) as exc:
        if getattr(exc, "foreign", False):
            record(ctx, "cross_citizen_access", "denied", sub, detail="draft")
        notice = t("没有找到这份草稿，它可能已被删除。")
    return _overview(ctx, acc, notice)
