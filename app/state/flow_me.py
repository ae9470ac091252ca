"""States of 我的 (my drafts and applications) and of one application's progress page."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import reflex as rx

from app.catalogue.i18n import content_for, content_text
from app.domain.rules import (
    LEVELS,
    add_working_days,
    is_final,
    may_evaluate,
    needs_reason,
    working_days_between,
)
from app.flow import backoffice, checkout, delivery, payment, store
from app.flow.lookup import form_for_code as resolve_form
from app.flow.store import applications, drafts, evaluations
from app.flow.validate import display, visible_fields
from app.offloop import in_thread, off_loop
from app.settings import theme_for_host
from app.state.flow_auth import FlowAuthState
from app.state.routing import APPLICATION, route_arg
from app.text import N_, stext
from app.text import st as t
from app.text.format import local_date, local_datetime, local_time_limit


def status_label(status: str) -> str:
    return (
        {
            "submitted": t("已提交"),
            "accepted": t("已受理"),
            "reviewing": t("审查中"),
            "completed": t("已办结"),
            "returned": t("退回补正"),
            "rejected": t("不予受理"),
        }.get(status)
        or checkout.event_label(status)
        or status
    )


#: 好差评 levels, 5 (best) to 1: message ids (the page shows them with ``t``)
LEVEL_MESSAGES = {
    5: N_("非常满意"),
    4: N_("满意"),
    3: N_("基本满意"),
    2: N_("不满意"),
    1: N_("非常不满意"),
}


def level_label(level: int) -> str:
    """A 好差评 level as a local text."""
    return t(LEVEL_MESSAGES[level])


def _when(value: datetime) -> str:
    return local_datetime(store.aware(value).astimezone(), "short")


@dataclasses.dataclass
class DraftView:
    id: int = 0
    name: str = ""
    saved: str = ""
    href: str = ""
    delete_label: str = ""


@dataclasses.dataclass
class ApplicationView:
    number: str = ""
    name: str = ""
    status: str = ""
    submitted: str = ""
    href: str = ""
    #: 电子票据号 of a paid application (issue 15)
    receipt: str = ""


@dataclasses.dataclass
class EventView:
    status: str = ""
    at: str = ""
    note: str = ""


@dataclasses.dataclass
class MessageView:
    text: str = ""
    at: str = ""
    href: str = ""


def event_note(note: str) -> str:
    if note == "correction":
        return t("已补正材料")
    return checkout.event_note(note) or note


@dataclasses.dataclass
class AnswerRow:
    label: str = ""
    value: str = ""


def payment_money(fen: int) -> str:
    from app.state.checkout import money

    return money(fen)


class _ContentMixin(FlowAuthState):
    def _content(self, text: str) -> str:
        """A catalogue text in every locale of this host's province (app/catalogue/i18n.py)."""
        folder = theme_for_host(self.router.headers.host).folder
        return content_text(text, content_for(folder))


class FlowMeState(_ContentMixin):
    drafts: list[DraftView] = []
    applications: list[ApplicationView] = []
    messages: list[MessageView] = []
    notice: str = ""

    def _fill(self, sub: str) -> None:
        self.drafts = [
            DraftView(
                id=d.id or 0,
                name=self._content(d.item_name),
                saved=t("保存于 {when}", when=_when(d.updated_at)),
                href=f"/apply/{d.item_code}",
                delete_label=t("删除草稿：{name}", name=self._content(d.item_name)),
            )
            for d in drafts.list_drafts(sub)
        ]
        paid = payment.receipts(sub)
        self.applications = [
            ApplicationView(
                number=a.number,
                name=self._content(a.item_name),
                status=status_label(a.status),
                submitted=_when(a.submitted_at),
                href=f"/me/applications/{a.number}",
                receipt=paid[a.number].receipt_no if a.number in paid else "",
            )
            for a in applications.list_applications(sub)
        ]
        self.messages = [
            MessageView(
                text=t(
                    "您申请的“{name}”（办件编号 {number}）：{status}",
                    name=self._content(a.item_name),
                    number=a.number,
                    status=status_label(e.status),
                ),
                at=_when(e.at),
                href=f"/me/applications/{a.number}",
            )
            for a, e in applications.recent_events(sub)
        ]

    @rx.event
    async def load(self):
        self.notice = ""
        ident = await off_loop(self._active)
        if ident is None:
            self.drafts, self.applications, self.messages = [], [], []
            return
        await backoffice.sync(ident.sub)
        await checkout.sync(ident.sub)  # issue 15: refunds, dispatches, tracking
        await off_loop(self._fill, ident.sub)

    @rx.event
    @in_thread
    def delete_draft(self, draft_id: int):
        ident = self._active()
        if ident is None:
            self.drafts, self.applications = [], []
            return
        try:
            drafts.delete_draft(ident.sub, int(draft_id))
            self.notice = t("草稿已删除。")
        except (store.NotFound, ValueError, TypeError) as exc:
            if getattr(exc, "foreign", False):
                self._audit("cross_citizen_access", "denied", ident.sub, detail="draft")
            self.notice = t("没有找到这份草稿，它可能已被删除。")
        self._fill(ident.sub)


class ApplicationState(_ContentMixin):
    found: bool = False
    loaded: bool = False
    number: str = ""
    item_name: str = ""
    department: str = ""
    status: str = ""
    status_key: str = ""
    timeline: list[EventView] = []
    answers: list[AnswerRow] = []
    deadline_text: str = ""
    can_evaluate: bool = False
    evaluation_text: str = ""
    evaluation_error: str = ""
    returned_note: str = ""
    correction_error: str = ""
    correction_done: bool = False
    # issue 15: payment and delivery of this application
    paid_text: str = ""
    receipt_no: str = ""
    refund_text: str = ""
    delivery_text: str = ""
    #: the delivery address or the hall (Chinese data, marked zh-Hans on the page)
    delivery_place: str = ""
    tracking_text: str = ""

    def _fill_checkout(self, sub: str, number: str, status: str = "") -> None:
        order = payment.for_application(sub, number)
        self.receipt_no = order.receipt_no if order else ""
        self.paid_text = t("已缴费 {amount}", amount=payment_money(order.amount)) if order else ""
        self.refund_text = ""
        if order is not None and order.status == "refunding":
            self.refund_text = t("申请未获受理，已缴费用正在原路退回。")
        elif order is not None and order.status == "refunded":
            self.refund_text = t(
                "申请未获受理，已缴费用 {amount} 已原路退回（退款单号 {number}）。",
                amount=payment_money(order.amount),
                number=order.refund_no,
            )
        row = delivery.get(sub, number)
        self.delivery_text = self.delivery_place = self.tracking_text = ""
        if row is not None and row.method == "express":
            self.delivery_text = t("快递送达")
            self.delivery_place = delivery.address_text(row.details, self.revealed)
            if row.tracking_no:
                self.tracking_text = t(
                    "快递单号 {number}：{status}",
                    number=row.tracking_no,
                    status=checkout.event_label(row.status) or t("已交寄"),
                )
            elif row.outbox == "dispatch" or status == "completed":
                # completed: the courier is being booked (queued while logistics is away)
                self.tracking_text = t("已办结，正在为您预约快递，快递单号稍后显示。")
            elif not is_final(status):
                self.tracking_text = t("尚未预约快递：办结后将为您预约快递。")
        elif row is not None:
            self.delivery_text = t("窗口领取")
            self.delivery_place = str(row.details.get("hall", ""))

    def _fill(self, sub: str, number: str) -> None:
        self.loaded = True
        try:
            app = applications.get_application(sub, number)
        except store.NotFound as exc:
            if exc.foreign:
                self._audit("cross_citizen_access", "denied", sub, detail="application")
            self.found, self.timeline, self.answers = False, [], []
            return
        assert app.id is not None
        self.found = True
        self._fill_checkout(sub, app.number, app.status)
        self.number = app.number
        self.item_name = self._content(app.item_name)
        self.department = self._content(app.department)
        self.status_key, self.status = app.status, status_label(app.status)
        history = applications.events(app.id)
        self.timeline = [
            EventView(status_label(e.status), _when(e.at), event_note(e.note)) for e in history
        ]
        returned = [e for e in history if e.status == "returned"]
        self.returned_note = returned[-1].note if returned and app.status == "returned" else ""
        theme = theme_for_host(self.router.headers.host)
        found = resolve_form(app.item_code, theme.folder)
        form = found[0] if found is not None and found[0].key == app.form_key else None
        province = theme.code
        values = {k: str(v) for k, v in app.values.items()}
        self.answers = (
            [
                AnswerRow(stext(f.label), display(f, values, province, reveal=self.revealed))
                for step in form.steps
                for f in visible_fields(form, step, values)
                if f.kind != "file"
            ]
            if form
            else []
        )
        submitted = store.aware(app.submitted_at).astimezone().date()
        if is_final(app.status):
            self.deadline_text = ""
        elif app.promised_days == 0:
            self.deadline_text = t("本事项承诺即办。")
        else:
            due = add_working_days(submitted, app.promised_days)
            left = working_days_between(date.today(), due)
            self.deadline_text = t(
                "承诺{days}内办结，预计 {due} 前完成，还剩{left}。",
                days=local_time_limit(app.promised_days, "working_day"),
                due=local_date(due),
                left=local_time_limit(left, "working_day"),
            )
        evaluation = evaluations.get_evaluation(app.id)
        self.can_evaluate = may_evaluate(app.status, evaluation is not None)
        self.evaluation_text = (
            t("您的评价：{level}", level=level_label(evaluation.level)) if evaluation else ""
        )

    def _number(self) -> str:
        return route_arg(self, APPLICATION)[:40]

    @rx.event
    async def load(self):
        self.evaluation_error = self.correction_error = ""
        self.correction_done = False
        ident = await off_loop(self._active)
        self.loaded = True
        if ident is None:
            self.found = False
            return
        await backoffice.sync(ident.sub)
        await checkout.sync(ident.sub)  # issue 15: refunds, dispatches, tracking
        await off_loop(self._fill, ident.sub, self._number())

    @rx.event
    async def submit_correction(self, form_data: dict):
        """补正: attach the uploaded corrected material and send the application back."""
        ident = await off_loop(self._active)
        if ident is None:
            self.found = False
            return None
        file_id = str(form_data.get("correction_file", ""))[:32]
        try:
            await off_loop(applications.correct, ident.sub, self._number(), [file_id])
            self.correction_error, self.correction_done = "", True
            await backoffice.sync(ident.sub)  # unsent corrections stay queued for the next
        except store.NotFound:
            self.correction_error = t("请先上传补正材料。")
        except store.Refused:
            self.correction_error = (
                t("请先上传补正材料。") if not file_id else t("这件申请现在不需要补正材料。")
            )
        await off_loop(self._fill, ident.sub, self._number())
        if self.correction_error:
            return rx.call_script(
                "setTimeout(() => document.getElementById('correction-error')?.focus(), 60)"
            )
        return None

    @rx.event
    @in_thread
    def evaluate(self, form_data: dict):
        ident = self._active()
        if ident is None:
            self.found = False
            return None
        try:
            level = int(form_data.get("level", 0))
        except (TypeError, ValueError):
            level = 0
        reason = str(form_data.get("reason", ""))[:500]
        if level not in LEVELS:
            self.evaluation_error = t("请选择您的评价")
        elif needs_reason(level) and not reason.strip():
            self.evaluation_error = t("请告诉我们不满意的原因，我们会在 15 个工作日内回访整改")
        else:
            try:
                evaluations.evaluate(ident.sub, self._number(), level, reason)
                self.evaluation_error = ""
            except store.NotFound:
                self.found = False
                return None
            except store.Refused:
                self.evaluation_error = t("这件申请现在不能评价。")
        self._fill(ident.sub, self._number())
        if self.evaluation_error:
            return rx.call_script(
                "setTimeout(() => document.getElementById('evaluation-error')?.focus(), 60)"
            )
        return None
