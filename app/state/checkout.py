"""State of ``/checkout/[code]``: the delivery choice and the payment of an application
between its check page and its submission (rules in ``app.flow.checkout``, ``payment`` and
``delivery``; this state only adapts events and authorizes each one)."""

from __future__ import annotations

import dataclasses
import os
from decimal import Decimal
from typing import Any

import reflex as rx

from app.adapters.cashier import CashierError
from app.catalogue.i18n import content_for, content_text
from app.catalogue.queries import get_item
from app.domain.service_item import ServiceItem
from app.flow import backoffice, checkout, delivery, payment, store
from app.flow.checkout_tables import Checkout, PaymentOrder
from app.flow.payment_http import NOTIFY_PATH
from app.offloop import in_thread, off_loop
from app.settings import theme_for_host
from app.state.flow_auth import FlowAuthState
from app.state.routing import CHECKOUT, route_arg
from app.text import is_local, source_text
from app.text import st as t
from app.text.format import local_fee

HEADING_ID = "checkout-heading"
ERROR_SUMMARY_ID = "checkout-errors"


def hold_checkout(owner: str, key: str, snapshot: dict[str, Any]) -> str | None:
    """The wizard's hook (``ApplyState._submit``): if the item needs delivery or payment, keep
    the snapshot in a checkout and return the page to go to; None: submit as before."""
    item = get_item(str(snapshot["item_code"])) if snapshot.get("item_code") else None
    needs_payment, needs_delivery = checkout.needs(item)
    if not (needs_payment or needs_delivery):
        return None
    checkout.hold(
        owner,
        str(snapshot["item_code"]),
        key,
        snapshot,
        needs_payment=needs_payment,
        needs_delivery=needs_delivery,
    )
    return f"{checkout.ROUTE}/{snapshot['item_code']}"


def money(fen: int) -> str:
    """An amount in fen as a local text (every shipped locale, Babel: the one formatter)."""
    return local_fee(Decimal(fen) / 100)


@dataclasses.dataclass
class FeeRow:
    name: str = ""
    amount: str = ""


@dataclasses.dataclass
class DivisionOption:
    value: str = ""
    label: str = ""
    selected: bool = False


@dataclasses.dataclass
class CheckoutError:
    message: str = ""
    target: str = ""


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

    # -- helpers ---------------------------------------------------------------------------
    def _code(self) -> str:
        return route_arg(self, CHECKOUT).strip()[:80]

    def _province(self) -> str:
        return theme_for_host(self.router.headers.host).code

    def _item(self) -> ServiceItem | None:
        code = self._code()
        return get_item(code) if code else None

    def _content(self, text: str) -> str:
        """A catalogue text in every locale of this host's province (app/catalogue/i18n.py)."""
        return content_text(text, content_for(theme_for_host(self.router.headers.host).folder))

    def _open(self, owner: str) -> Checkout | None:
        return checkout.latest(owner, self.item_code)

    def _fill_item(self, item: ServiceItem) -> None:
        self.item_code, self.item_name = item.implementation_code, self._content(item.name)
        lines = payment.fees_of(item)
        self.fees = [FeeRow(self._content(line.name), money(line.amount)) for line in lines]
        self.total_text = money(payment.total(lines))
        hall = delivery.hall_of(item)
        if hall is not None:
            self.hall_name, self.hall_address = hall.name, hall.address
            self.hall_hours, self.hall_phone = hall.hours, hall.phone
            # the identity card line is already a local text; the materials are catalogue text
            self.bring = [b if is_local(b) else self._content(b) for b in hall.bring]

    def _fill_delivery(self, owner: str, row: Checkout) -> None:
        choice = row.delivery or {}
        self.method = str(choice.get("method", ""))
        # the method in the citizen's language; the address or hall is data, shown as it is
        if choice.get("method") == "express":
            self.delivery_text = t("快递送达")
            self.delivery_place = delivery.address_text(choice)
        elif choice.get("method") == "collect":
            self.delivery_text, self.delivery_place = t("窗口领取"), self.hall_name
        else:
            self.delivery_text = self.delivery_place = ""
        source = choice if choice.get("method") == "express" else delivery.last_address(owner)
        self.recipient = str(source.get("recipient", ""))
        self.detail = str(source.get("detail", ""))
        self._prefill_phone = str(source.get("phone", ""))
        self.phone_shown = store_mask(self._prefill_phone)
        chosen = str(source.get("division", ""))
        self.divisions = [
            DivisionOption(code, name, code == chosen)
            for code, name in delivery.options(self._province())
        ]

    def _show_order(self, order: PaymentOrder | None) -> None:
        self.notice = ""
        if order is None or (order.status == "created" and order.outbox == "create"):
            self.stage = "pay" if order is None else "unreachable"
            if order is not None:
                self.notice = t(
                    "暂时无法连接统一支付平台。您的申请和订单都已保存，没有扣款，请稍后重试。"
                )
            return
        status = order.status
        if status == "open":
            self.stage = "waiting"
        elif status in ("paid", "refunding", "refunded"):
            self._done(order)
        elif status == "cancelled":
            self.stage = "cancelled"
            self.notice = t("您已取消支付，没有扣款。申请草稿已保留，可以重新支付。")
        elif status == "failed":
            self.stage = "failed"
            self.notice = t("支付没有成功，没有扣款。请换一种支付方式或稍后重新支付。")
        elif status == "closed":
            self.stage = "timeout"
            self.notice = t("支付超时，订单已关闭，没有扣款。申请草稿已保留，请重新支付。")

    def _done(self, order: PaymentOrder | None) -> None:
        self.stage = "done"
        if order is not None:
            self.application_number = order.application_number
            self.receipt_no = order.receipt_no
            self.paid_text = t("已缴费 {amount}", amount=money(order.amount))

    def _route(self, owner: str) -> tuple[Checkout | None, PaymentOrder | None]:
        """Set the stage from what is stored (database work: off the loop)."""
        item = self._item()
        if item is None:
            self.stage = "missing"
            return None, None
        self._fill_item(item)
        row = self._open(owner)
        if row is None:
            self.stage = "missing"
            return None, None
        assert row.id is not None
        self.needs_payment, self.needs_delivery = row.needs_payment, row.needs_delivery
        self._fill_delivery(owner, row)
        order = payment.current(owner, row.id) if row.needs_payment else None
        if row.application_number:
            self.application_number = row.application_number
            self._done(order)
            return row, order
        if row.needs_delivery and not row.delivery:
            self.stage = "delivery"
            return row, order
        if not row.needs_payment:
            self.stage = "confirm"
            return row, order
        self._show_order(order)
        return row, order

    def _load(self) -> tuple[Checkout | None, PaymentOrder | None, bool]:
        self.errors, self.field_errors = [], {}
        self.application_number = self.receipt_no = self.paid_text = ""
        ident = self._active()
        if ident is None:
            self.stage = "signin"
            self._fill_if_item()
            return None, None, False
        row, order = self._route(ident.sub)
        return row, order, True

    def _fill_if_item(self) -> None:
        item = self._item()
        if item is not None:
            self.item_code, self.item_name = item.implementation_code, self._content(item.name)

    def _focus(self, element_id: str = HEADING_ID):
        return rx.call_script(
            "setTimeout(() => { window.scrollTo(0, 0);"
            f" document.getElementById('{element_id}')?.focus(); }}, 60)"
        )

    async def _reconcile(self, order: PaymentOrder | None) -> None:
        """An open order and no notification yet: ask the cashier (signed, server to server)."""
        client = payment.payment_client()
        if order is None or order.status != "open" or client is None:
            return
        try:
            await payment.reconcile(client, order)
        except CashierError:
            self.notice = t("暂时无法查询支付结果，请稍后刷新。")

    # -- events ----------------------------------------------------------------------------
    @rx.event
    async def load(self):
        self.stage = "loading"
        _row, order, signed = await off_loop(self._load)
        if signed and order is not None and order.status == "open":
            await self._reconcile(order)
            await off_loop(self._load)
        return None

    @rx.event
    async def sign_in(self):
        return await self._login(f"{checkout.ROUTE}/{self._code()}")

    @rx.event
    @in_thread
    def choose_delivery(self, form_data: dict):
        ident = self._active()
        if ident is None:
            self.stage = "signin"
            return None
        row = self._open(ident.sub)
        if row is None or row.application_number or not row.needs_delivery:
            self._route(ident.sub)
            return None
        data = {k: str(v)[:200] for k, v in form_data.items()}
        if data.get("method") == "express" and data.get("phone") == self.phone_shown:
            data["phone"] = self._prefill_phone  # the masked prefill was left as it was
        choice, errors = delivery.check_choice(self._province(), data)
        if errors:
            targets = {
                "method": "d-method-collect",
                "recipient": "d-recipient",
                "phone": "d-phone",
                "division": "d-division",
                "detail": "d-detail",
            }
            self.field_errors = errors
            self.errors = [CheckoutError(m, targets[k]) for k, m in errors.items()]
            self.method = data.get("method", "")
            return self._focus(ERROR_SUMMARY_ID)
        if choice["method"] == "collect":
            item = self._item()
            hall = delivery.hall_of(item) if item else None
            if hall is not None:
                choice["hall"] = hall.name
        assert row.id is not None
        checkout.choose_delivery(ident.sub, row.id, choice)
        self.errors, self.field_errors = [], {}
        self._route(ident.sub)
        return self._focus()

    @rx.event
    def set_method(self, method: str):
        """The radio changed: show the address fields or the hall (no database work)."""
        self.method = method if method in delivery.METHODS else ""

    @rx.event
    @in_thread
    def change_delivery(self):
        ident = self._active()
        if ident is None:
            self.stage = "signin"
            return None
        row = self._open(ident.sub)
        if row is not None and not row.application_number and row.needs_delivery:
            self.stage = "delivery"
        return self._focus()

    @rx.event
    async def confirm(self):
        """Submit an item that needs no payment once its delivery is chosen, then hand it to
        the back office (queued in its outbox if that fails, as on the check page)."""
        submitted = await off_loop(self._confirm)
        if submitted:
            await backoffice.sync(submitted, pull_changes=False)
        return self._focus()

    def _confirm(self) -> str:
        """The submission (database work); the owner when it went in, else ''."""
        ident = self._active()
        if ident is None:
            self.stage = "signin"
            return ""
        row = self._open(ident.sub)
        if row is None or row.id is None:
            self.stage = "missing"
            return ""
        try:
            self.application_number = checkout.submit_unpaid(ident.sub, row.id)
        except (store.NotFound, store.Refused):
            self._route(ident.sub)
            return ""
        self._route(ident.sub)
        return ident.sub

    @rx.event
    async def pay(self):
        """去支付 / 重新支付: one open order per application (a double tap finds it again)."""
        prepared = await off_loop(self._prepare_order)
        if prepared is None:
            return self._focus()
        order, subject = prepared
        if order.status == "open" and order.pay_url:
            return rx.redirect(order.pay_url)  # another host: a full page load
        client = payment.payment_client()
        if client is None:
            self.stage = "unreachable"
            self.notice = t("统一支付暂未开通，请稍后再试或到窗口缴费。")
            return self._focus()
        origin = os.environ.get("YIWANG_PUBLIC_URL", "").rstrip("/") or self.router.url.origin
        try:
            order = await payment.send(
                client,
                order,
                subject,
                notify_url=origin + NOTIFY_PATH,
                return_url=f"{origin}{checkout.ROUTE}/{self.item_code}?order={order.order_no}",
            )
        except CashierError:
            self.stage = "unreachable"
            self.notice = t(
                "暂时无法连接统一支付平台。您的申请和订单都已保存，没有扣款，请稍后重试。"
            )
            return self._focus()
        if order.status == "open" and order.pay_url:
            return rx.redirect(order.pay_url)  # another host: a full page load
        await off_loop(self._load)
        return self._focus()

    def _prepare_order(self) -> tuple[PaymentOrder, str] | None:
        ident = self._active()
        if ident is None:
            self.stage = "signin"
            return None
        row, order = self._route(ident.sub)
        if row is None or not row.needs_payment or self.stage in ("done", "delivery"):
            return None
        item = self._item()
        if item is None:
            self.stage = "missing"
            return None
        # the amounts come from the catalogue's fee items, never from the page
        order, _new = payment.open_order(ident.sub, row, payment.fees_of(item))
        # the order's subject goes to the cashier: Chinese, as the catalogue names the fees
        names = "、".join(line.name for line in payment.fees_of(item))
        return order, source_text("{item}：{fees}", item=item.name, fees=names)

    @rx.event
    async def check_result(self):
        """我已支付，刷新结果: ask the cashier about the open order (signed answer only)."""
        _row, order, signed = await off_loop(self._load)
        if signed and order is not None and order.status == "open":
            await self._reconcile(order)
            await off_loop(self._load)
            if self.stage == "waiting" and not self.notice:
                self.notice = t("还没有收到支付结果。如果您已经付款，请稍候再刷新。")
        return self._focus()


def store_mask(phone: str) -> str:
    from app.adapters.identity import mask_phone

    return mask_phone(phone) if phone else ""
