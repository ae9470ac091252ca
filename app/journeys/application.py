"""One application's progress page (/me/applications/[number]): its status and timeline, the
answers as submitted (masked unless revealed), the promised deadline, payment and delivery,
补正 (a corrected material sent back) and 好差评 (the evaluation).

Only the signed-in citizen's own application is found; another's is an audit line and the
page says it was not found. Each function returns the whole page (:class:`Status`), with the
element to focus when the citizen's input was refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from app.context import RequestContext
from app.domain.rules import (
    LEVELS,
    add_working_days,
    is_final,
    may_evaluate,
    needs_reason,
    working_days_between,
)
from app.flow import backoffice, checkout, delivery, payment, store
from app.flow.lookup import form_for_code
from app.flow.store import applications, evaluations
from app.flow.tables import Application
from app.flow.validate import display, visible_fields
from app.journeys.account import Account, account
from app.journeys.blocking import Blocking, inline
from app.journeys.me import content_of, event_note, level_label, money, status_label, sync, when
from app.journeys.session import record
from app.text import st as t
from app.text import stext
from app.text.format import local_date, local_time_limit

MAX_NUMBER = 40
CORRECTION_ERROR_ID = "correction-error"
EVALUATION_ERROR_ID = "evaluation-error"


@dataclass(frozen=True)
class EventRow:
    status: str = ""
    at: str = ""
    note: str = ""


@dataclass(frozen=True)
class AnswerRow:
    label: str = ""
    value: str = ""


@dataclass(frozen=True)
class Delivery:
    """Payment and delivery of an application (issue 15)."""

    paid_text: str = ""
    receipt_no: str = ""
    refund_text: str = ""
    delivery_text: str = ""
    #: the delivery address or the hall (Chinese data, marked zh-Hans on the page)
    delivery_place: str = ""
    tracking_text: str = ""


@dataclass(frozen=True)
class Status:
    """The progress page (``found`` False: not the citizen's, not there, or signed out)."""

    account: Account | None = None
    found: bool = False
    number: str = ""
    item_name: str = ""
    department: str = ""
    status: str = ""
    status_key: str = ""
    timeline: tuple[EventRow, ...] = ()
    answers: tuple[AnswerRow, ...] = ()
    deadline_text: str = ""
    can_evaluate: bool = False
    evaluation_text: str = ""
    returned_note: str = ""
    delivery: Delivery = Delivery()
    evaluation_error: str = ""
    correction_error: str = ""
    correction_done: bool = False
    #: the element the page focuses next ("" = none): the refused input's error
    focus: str = ""


def _delivery(sub: str, number: str, status: str, revealed: bool) -> Delivery:
    order = payment.for_application(sub, number)
    refund = ""
    if order is not None and order.status == "refunding":
        refund = t("申请未获受理，已缴费用正在原路退回。")
    elif order is not None and order.status == "refunded":
        refund = t(
            "申请未获受理，已缴费用 {amount} 已原路退回（退款单号 {number}）。",
            amount=money(order.amount),
            number=order.refund_no,
        )
    paid = dict(
        paid_text=t("已缴费 {amount}", amount=money(order.amount)) if order else "",
        receipt_no=order.receipt_no if order else "",
        refund_text=refund,
    )
    row = delivery.get(sub, number)
    if row is None:
        return Delivery(**paid)
    if row.method != "express":
        return Delivery(
            **paid, delivery_text=t("窗口领取"), delivery_place=str(row.details.get("hall", ""))
        )
    tracking = ""
    if row.tracking_no:
        tracking = t(
            "快递单号 {number}：{status}",
            number=row.tracking_no,
            status=checkout.event_label(row.status) or t("已交寄"),
        )
    elif row.outbox == "dispatch" or status == "completed":
        # completed: the courier is being booked (queued while logistics is away)
        tracking = t("已办结，正在为您预约快递，快递单号稍后显示。")
    elif not is_final(status):
        tracking = t("尚未预约快递：办结后将为您预约快递。")
    return Delivery(
        **paid,
        delivery_text=t("快递送达"),
        delivery_place=delivery.address_text(row.details, revealed),
        tracking_text=tracking,
    )


def _deadline(app: Application) -> str:
    if is_final(app.status):
        return ""
    if app.promised_days == 0:
        return t("本事项承诺即办。")
    submitted = store.aware(app.submitted_at).astimezone().date()
    due = add_working_days(submitted, app.promised_days)
    left = working_days_between(date.today(), due)
    return t(
        "承诺{days}内办结，预计 {due} 前完成，还剩{left}。",
        days=local_time_limit(app.promised_days, "working_day"),
        due=local_date(due),
        left=local_time_limit(left, "working_day"),
    )


def _page(ctx: RequestContext, acc: Account | None, number: str, revealed: bool) -> Status:
    if acc is None:
        return Status()
    sub = acc.identity.sub
    try:
        app = applications.get_application(sub, number[:MAX_NUMBER])
    except store.NotFound as exc:
        if exc.foreign:
            record(ctx, "cross_citizen_access", "denied", sub, detail="application")
        return Status(acc)
    assert app.id is not None
    content = content_of(ctx)
    history = applications.events(app.id)
    returned = [e for e in history if e.status == "returned"]
    found = form_for_code(app.item_code, ctx.province.folder)
    form = found[0] if found is not None and found[0].key == app.form_key else None
    values = {k: str(v) for k, v in app.values.items()}
    answers = (
        tuple(
            AnswerRow(stext(f.label), display(f, values, ctx.province.prefix, reveal=revealed))
            for step in form.steps
            for f in visible_fields(form, step, values)
            if f.kind != "file"
        )
        if form
        else ()
    )
    evaluation = evaluations.get_evaluation(app.id)
    return Status(
        acc,
        found=True,
        number=app.number,
        item_name=content(app.item_name),
        department=content(app.department),
        status=status_label(app.status),
        status_key=app.status,
        timeline=tuple(
            EventRow(status_label(e.status), when(e.at), event_note(e.note)) for e in history
        ),
        answers=answers,
        deadline_text=_deadline(app),
        can_evaluate=may_evaluate(app.status, evaluation is not None),
        evaluation_text=(
            t("您的评价：{level}", level=level_label(evaluation.level)) if evaluation else ""
        ),
        returned_note=returned[-1].note if returned and app.status == "returned" else "",
        delivery=_delivery(sub, app.number, app.status, revealed),
    )


def page(ctx: RequestContext, number: str, revealed: bool = False, was: str = "") -> Status:
    """The page as recorded (no outside system asked): blocking."""
    return _page(ctx, account(ctx, revealed, was), number, revealed)


async def status(
    ctx: RequestContext,
    number: str,
    revealed: bool = False,
    was: str = "",
    blocking: Blocking = inline,
) -> Status:
    """The page, its statuses fresh from the back office first."""
    acc = await blocking(account, ctx, revealed, was)
    if acc is None:
        return Status()
    await sync(acc.identity.sub)
    return await blocking(_page, ctx, acc, number, revealed)


async def correct(
    ctx: RequestContext,
    number: str,
    file_id: str,
    revealed: bool = False,
    was: str = "",
    blocking: Blocking = inline,
) -> Status:
    """补正: attach the uploaded corrected material and send the application back."""
    acc = await blocking(account, ctx, revealed, was)
    if acc is None:
        return Status()
    sub, error = acc.identity.sub, ""
    try:
        await blocking(applications.correct, sub, number[:MAX_NUMBER], [file_id[:32]])
        await backoffice.sync(sub)  # unsent corrections stay queued for the next
    except store.NotFound:
        error = t("请先上传补正材料。")
    except store.Refused:
        error = t("请先上传补正材料。") if not file_id else t("这件申请现在不需要补正材料。")
    shown = await blocking(_page, ctx, acc, number, revealed)
    return _with(
        shown, correction_error=error, correction_done=not error, focus_id=CORRECTION_ERROR_ID
    )


def evaluate(
    ctx: RequestContext,
    number: str,
    level: object,
    reason: str,
    revealed: bool = False,
    was: str = "",
) -> Status:
    """好差评: a level (1-5) and, for 不满意, the reason; once per application."""
    acc = account(ctx, revealed, was)
    if acc is None:
        return Status()
    try:
        chosen = int(str(level))
    except (TypeError, ValueError):
        chosen = 0
    reason, error = reason[:500], ""
    if chosen not in LEVELS:
        error = t("请选择您的评价")
    elif needs_reason(chosen) and not reason.strip():
        error = t("请告诉我们不满意的原因，我们会在 15 个工作日内回访整改")
    else:
        try:
            evaluations.evaluate(acc.identity.sub, number[:MAX_NUMBER], chosen, reason)
        except store.NotFound:
            return Status(acc)
        except store.Refused:
            error = t("这件申请现在不能评价。")
    return _with(
        _page(ctx, acc, number, revealed), evaluation_error=error, focus_id=EVALUATION_ERROR_ID
    )


def _with(shown: Status, focus_id: str, **changes: object) -> Status:
    """The page with the outcome of the citizen's input (and its error focused)."""
    error = changes.get("correction_error") or changes.get("evaluation_error")
    return replace(shown, **changes, focus=focus_id if error else "")
