"""States of 我的 (drafts, applications, messages) and of one application's progress page.

They adapt events to ``app/journeys/me.py`` and ``app/journeys/application.py`` and copy the
page the journey returns into their vars (the session's view into ``FlowAuthState``'s).
"""

from __future__ import annotations

import reflex as rx

from app.journeys import application, me
from app.journeys.application import AnswerRow, EventRow
from app.journeys.me import LEVEL_MESSAGES, ApplicationRow, DraftRow, MessageRow
from app.offloop import in_thread, off_loop
from app.state.context import context_of
from app.state.flow_auth import FlowAuthState
from app.state.routing import APPLICATION, route_arg

__all__ = ["LEVEL_MESSAGES", "ApplicationState", "FlowMeState"]


def _focus(element_id: str) -> rx.event.EventSpec | None:
    if not element_id:
        return None
    return rx.call_script(f"setTimeout(() => document.getElementById('{element_id}')?.focus(), 60)")


class FlowMeState(FlowAuthState):
    drafts: list[DraftRow] = []
    applications: list[ApplicationRow] = []
    messages: list[MessageRow] = []
    notice: str = ""

    def _take(self, view: me.Overview) -> None:
        self._copy(view.account)
        self.drafts, self.applications = list(view.drafts), list(view.applications)
        self.messages, self.notice = list(view.messages), view.notice

    @rx.event
    async def load(self):
        ctx = context_of(self)
        self._take(await me.overview(ctx, self.revealed, self._was(), off_loop))

    @rx.event
    @in_thread
    def delete_draft(self, draft_id: int):
        self._take(me.delete_draft(context_of(self), draft_id, self.revealed, self._was()))


class ApplicationState(FlowAuthState):
    found: bool = False
    loaded: bool = False
    number: str = ""
    item_name: str = ""
    department: str = ""
    status: str = ""
    status_key: str = ""
    timeline: list[EventRow] = []
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

    def _number(self) -> str:
        return route_arg(self, APPLICATION)

    def _take(self, page: application.Status) -> rx.event.EventSpec | None:
        self._copy(page.account)
        self.loaded, self.found = True, page.found
        self.number, self.item_name, self.department = page.number, page.item_name, page.department
        self.status, self.status_key = page.status, page.status_key
        self.timeline, self.answers = list(page.timeline), list(page.answers)
        self.deadline_text, self.returned_note = page.deadline_text, page.returned_note
        self.can_evaluate, self.evaluation_text = page.can_evaluate, page.evaluation_text
        self.evaluation_error, self.correction_error = page.evaluation_error, page.correction_error
        self.correction_done = page.correction_done
        shown = page.delivery
        self.paid_text, self.receipt_no = shown.paid_text, shown.receipt_no
        self.refund_text, self.delivery_text = shown.refund_text, shown.delivery_text
        self.delivery_place, self.tracking_text = shown.delivery_place, shown.tracking_text
        return _focus(page.focus)

    @rx.event
    async def load(self):
        ctx = context_of(self)
        page = await application.status(ctx, self._number(), self.revealed, self._was(), off_loop)
        self._take(page)

    @rx.event
    async def submit_correction(self, form_data: dict):
        """补正: attach the uploaded corrected material and send the application back."""
        file_id = str(form_data.get("correction_file", ""))
        ctx, number = context_of(self), self._number()
        page = await application.correct(ctx, number, file_id, self.revealed, self._was(), off_loop)
        return self._take(page)

    @rx.event
    @in_thread
    def evaluate(self, form_data: dict):
        """好差评: the level and, when not satisfied, the reason."""
        level, reason = form_data.get("level", 0), str(form_data.get("reason", ""))
        ctx, number = context_of(self), self._number()
        return self._take(
            application.evaluate(ctx, number, level, reason, self.revealed, self._was())
        )
