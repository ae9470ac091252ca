"""State of ``/checkout/[code]``: the delivery choice and the payment of an application
between its check page and its submission.

Only an event adapter: each handler builds the request context, calls one function of
:mod:`app.journeys.checkout` with the tab's
:class:`~app.journeys.checkout_views.CheckoutTab` and copies what the returned view changed
into vars; a focus becomes a script, a redirect (the cashier's page) a full page load.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.journeys import checkout
from app.journeys.checkout_views import (
    ERROR_SUMMARY_ID,
    HEADING_ID,
    CheckoutError,
    CheckoutTab,
    CheckoutView,
    DivisionOption,
    FeeRow,
    money,
)
from app.offloop import in_thread, off_loop
from app.state.context import context_of
from app.state.flow_auth import FlowAuthState
from app.state.focus import focus_script
from app.state.routing import CHECKOUT, route_arg

__all__ = ["ERROR_SUMMARY_ID", "HEADING_ID", "CheckoutState", "DivisionOption", "FeeRow"]
__all__ += ["money"]  # an amount in fen as a local text (我的 shows receipts with it)
#: what a view says the page does next, not a var
NEXT = ("focus", "redirect")


class CheckoutState(FlowAuthState):
    #: loading missing signin delivery confirm pay unreachable waiting cancelled failed
    #: timeout done
    stage: str = "loading"
    item_code: str = ""
    item_name: str = ""
    needs_payment: bool = False
    needs_delivery: bool = False
    fees: list[FeeRow] = []
    total_text: str = ""
    hall_name: str = ""
    hall_address: str = ""
    hall_hours: str = ""
    hall_phone: str = ""
    bring: list[str] = []
    method: str = ""
    recipient: str = ""
    phone_shown: str = ""
    detail: str = ""
    divisions: list[DivisionOption] = []
    errors: list[CheckoutError] = []
    field_errors: dict[str, str] = {}
    delivery_text: str = ""
    #: the delivery address or the hall (Chinese data, marked zh-Hans on the page)
    delivery_place: str = ""
    application_number: str = ""
    receipt_no: str = ""
    paid_text: str = ""
    notice: str = ""

    _prefill_phone: str = ""

    # -- the tab in, the view out ------------------------------------------------------------
    def _tab(self) -> CheckoutTab:
        return CheckoutTab(
            code=route_arg(self, CHECKOUT),
            stage=self.stage,
            item_code=self.item_code,
            hall_name=self.hall_name,
            notice=self.notice,
            phone_shown=self.phone_shown,
            prefill_phone=self._prefill_phone,
        )

    def _take(self, view: CheckoutView):
        """Copy what the view changed into vars (an unchanged var is not sent again); what
        the page does next."""
        for f in dataclasses.fields(view):
            value = getattr(view, f.name)
            if value is None or f.name in NEXT:
                continue
            name = "_prefill_phone" if f.name == "prefill_phone" else f.name
            value = list(value) if isinstance(value, tuple) else value
            value = dict(value) if isinstance(value, dict) else value
            if getattr(self, name) != value:
                setattr(self, name, value)
        if view.redirect:
            return rx.redirect(view.redirect)
        if view.focus:
            return focus_script(view.focus)
        return None

    # -- events ----------------------------------------------------------------------------
    @rx.event
    async def load(self):
        await off_loop(self._active)
        self._take(await checkout.load(context_of(self), self._tab(), run=off_loop))

    @rx.event
    async def sign_in(self):
        return await self._login(checkout.sign_in(route_arg(self, CHECKOUT)))

    @rx.event
    @in_thread
    def choose_delivery(self, form_data: dict):
        self._active()
        return self._take(checkout.choose_delivery(context_of(self), self._tab(), form_data))

    @rx.event
    def set_method(self, method: str):
        """The radio changed: show the address fields or the hall (no database work)."""
        self.method = checkout.chosen_method(method)

    @rx.event
    @in_thread
    def change_delivery(self):
        self._active()
        return self._take(checkout.change_delivery(context_of(self), self._tab()))

    @rx.event
    async def confirm(self):
        """Submit an item that needs no payment once its delivery is chosen."""
        await off_loop(self._active)
        return self._take(await checkout.confirm(context_of(self), self._tab(), run=off_loop))

    @rx.event
    async def pay(self):
        """去支付 / 重新支付: one open order per application (a double tap finds it again)."""
        await off_loop(self._active)
        ctx, tab, origin = context_of(self), self._tab(), self.router.url.origin
        return self._take(await checkout.pay(ctx, tab, origin, run=off_loop))

    @rx.event
    async def check_result(self):
        """我已支付，刷新结果: ask the cashier about the open order (signed answer only)."""
        await off_loop(self._active)
        return self._take(await checkout.check_result(context_of(self), self._tab(), run=off_loop))
