"""State of the application wizard at ``/apply/[code]`` (question pages, one topic each).

Only an event adapter: each handler builds the request context, calls one function of
:mod:`app.journeys.apply` with the tab's :class:`~app.journeys.apply_event.Tab` (kept here
between events: the wizard's progress and the page's facts) and copies the view it returns
into vars; a focus becomes a script, a redirect a redirect, a sign-in the login.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from app.context import RequestContext
from app.journeys import apply
from app.journeys.apply_event import ApplyView, Tab
from app.journeys.apply_views import (
    ERROR_SUMMARY_ID,
    HEADING_ID,
    AnswerView,
    ErrorView,
    FieldView,
    OptionView,
)
from app.offloop import in_thread, off_loop
from app.state.context import context_of
from app.state.flow_auth import FlowAuthState
from app.state.focus import focus_script
from app.state.routing import APPLY, route_arg

__all__ = ["ERROR_SUMMARY_ID", "HEADING_ID", "AnswerView", "ApplyState", "ErrorView"]
__all__ += ["FieldView", "OptionView"]

#: the tab's fields kept in public vars (the page shows them) and in backend vars (``_name``)
SHOWN = ("stage", "item_code", "item_name", "department", "revealed", "draft_token", "resumed")
SHOWN += ("saved_note", "application_number", "refused")
KEPT = ("form_key", "area", "promised_days", "values", "page", "back_to_check", "done_for")
KEPT += ("file_names", "licences", "shown_errors")


class ApplyState(FlowAuthState):
    stage: str = "loading"  # loading missing intro level step extra check done
    #: on an ``extra`` stage: the registered step kind of the page (payment, delivery, …)
    page_kind: str = ""
    item_code: str = ""
    item_name: str = ""
    department: str = ""
    promise: str = ""
    audience: str = ""
    members: list[str] = []
    step_index: int = 0
    step_count: int = 0
    step_title: str = ""
    step_intro: str = ""
    fields: list[FieldView] = []
    errors: list[ErrorView] = []
    answers: list[AnswerView] = []
    declaration: str = ""
    consent_text: str = ""
    next_steps: list[str] = []
    draft_token: str = ""
    resumed: bool = False
    saved_note: str = ""
    application_number: str = ""
    refused: str = ""

    _form_key: str = ""
    _area: str = ""
    _values: dict[str, str] = {}
    _page: int = 0
    _promised_days: int = 0
    _back_to_check: bool = False
    _done_for: str = ""  # the route code of the application just submitted
    _file_names: dict[str, str] = {}
    _licences: dict[str, dict[str, str]] = {}
    _shown_errors: dict[str, str] = {}

    # -- the tab in, the view out ------------------------------------------------------------
    def _tab(self) -> Tab:
        """What the tab keeps, as the journey's input (copies: the journey never changes it)."""
        kept: dict[str, Any] = {name: getattr(self, "_" + name) for name in KEPT}
        kept = {k: dict(v) if isinstance(v, dict) else v for k, v in kept.items()}
        return Tab(**{name: getattr(self, name) for name in SHOWN}, **kept)

    def _put(self, name: str, value: object) -> None:
        """Set a var only when it changes (an unchanged var is not sent to the page again)."""
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dict):
            value = dict(value)
        if getattr(self, name) != value:
            setattr(self, name, value)

    def _take(self, view: ApplyView | None, ctx: RequestContext):
        """Copy the view into vars; what the page does next."""
        if view is None:
            return None
        for name in SHOWN:
            self._put(name, getattr(view.tab, name))
        for name in KEPT:
            self._put("_" + name, getattr(view.tab, name))
        for part in (view.page, view.facts):
            for f in dataclasses.fields(part) if part is not None else ():
                if (value := getattr(part, f.name)) is not None and f.name != "stage":
                    self._put(f.name, value)  # a part of the page that is None is unchanged
        for a in view.audits:
            self._audit(a.event, a.outcome, a.sub, detail=a.detail)
        if view.redirect:
            return rx.redirect(view.redirect)
        if view.focus:
            return focus_script(view.focus, ctx.province.app_name)
        return None

    # -- events ----------------------------------------------------------------------------------
    @rx.event
    async def load(self):
        await off_loop(self._active)
        start = self.router.url.query_parameters.get("start") == "1"
        code = route_arg(self, APPLY)
        ctx, tab = context_of(self), self._tab()
        return self._take(await apply.load(ctx, tab, code, start=start, run=off_loop), ctx)

    @rx.event
    async def start(self):
        """开始办理: log in if needed (only now), then open the first question page."""
        await off_loop(self._active)
        ctx = context_of(self)
        view = await apply.start(ctx, self._tab(), run=off_loop)
        if view is not None and view.login:
            return await self._login(view.login)  # back here after login, into the form
        return self._take(view, ctx)

    @rx.event
    @in_thread
    def save_field(self, name: str, value: str):
        """A field lost focus (or a choice changed): keep its value in the draft."""
        self._active()
        ctx = context_of(self)
        return self._take(apply.save_field(ctx, self._tab(), name, value), ctx)

    @rx.event
    @in_thread
    def set_choice(self, name: str, option: str, checked: bool):
        self._active()
        ctx = context_of(self)
        return self._take(apply.set_choice(ctx, self._tab(), name, option, checked), ctx)

    @rx.event
    @in_thread
    def continue_step(self, form_data: dict):
        self._active()
        ctx = context_of(self)
        return self._take(apply.continue_step(ctx, self._tab(), form_data), ctx)

    @rx.event
    @in_thread
    def back(self):
        self._active()
        ctx = context_of(self)
        return self._take(apply.back(ctx, self._tab()), ctx)

    @rx.event
    @in_thread
    def change(self, step: int):
        """A change link on the check page: that question page, then back to the check page."""
        self._active()
        ctx = context_of(self)
        return self._take(apply.change(ctx, self._tab(), step), ctx)

    @rx.event
    @in_thread
    def use_licence(self, name: str):
        """Attach the citizen's e-licence instead of uploading (免提交)."""
        self._active()
        ctx = context_of(self)
        return self._take(apply.use_licence(ctx, self._tab(), name), ctx)

    @rx.event
    @in_thread
    def reveal_answers(self):
        ident = self._active()
        ctx = context_of(self)
        then = self._take(apply.reveal_answers(ctx, self._tab()), ctx)
        if ident is not None:
            self._show(ident)  # the account's ID number and phone, shown as the answers are
        return then

    @rx.event
    async def submit(self, form_data: dict, key: str):
        """Submit once: the client's idempotency key makes retries and double taps harmless."""
        await off_loop(self._active)
        ctx, tab, code = context_of(self), self._tab(), route_arg(self, APPLY)
        return self._take(await apply.submit(ctx, tab, form_data, key, code, run=off_loop), ctx)
