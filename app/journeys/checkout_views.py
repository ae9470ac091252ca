"""What ``/checkout/[code]`` shows: the fees, the delivery choice, where the payment stands.

:class:`CheckoutTab` is what the page's tab keeps between events; :class:`CheckoutView` what an
event changes (a field that is ``None`` is unchanged) and what the page does next.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal

from app.journeys.next_step import Focus
from app.text.format import local_fee

HEADING_ID = "checkout-heading"
ERROR_SUMMARY_ID = "checkout-errors"


def money(fen: int) -> str:
    """An amount in fen as a local text (every shipped locale, Babel: the one formatter)."""
    return local_fee(Decimal(fen) / 100)


@dataclasses.dataclass(frozen=True)
class FeeRow:
    name: str = ""
    amount: str = ""


@dataclasses.dataclass(frozen=True)
class DivisionOption:
    value: str = ""
    label: str = ""
    selected: bool = False


@dataclasses.dataclass(frozen=True)
class CheckoutError:
    message: str = ""
    target: str = ""


@dataclasses.dataclass(frozen=True)
class CheckoutTab:
    """What the tab keeps: the route code, what it shows now, and the unmasked phone behind
    the masked prefill of the delivery form."""

    code: str = ""
    stage: str = "loading"
    item_code: str = ""
    hall_name: str = ""
    notice: str = ""
    phone_shown: str = ""
    prefill_phone: str = ""


@dataclasses.dataclass(frozen=True)
class CheckoutView:
    """What an event changed (``None``: unchanged) and what the page does next."""

    #: loading missing signin delivery confirm pay unreachable waiting cancelled failed
    #: timeout done
    stage: str | None = None
    item_code: str | None = None
    item_name: str | None = None
    needs_payment: bool | None = None
    needs_delivery: bool | None = None
    fees: tuple[FeeRow, ...] | None = None
    total_text: str | None = None
    hall_name: str | None = None
    hall_address: str | None = None
    hall_hours: str | None = None
    hall_phone: str | None = None
    bring: tuple[str, ...] | None = None
    method: str | None = None
    recipient: str | None = None
    phone_shown: str | None = None
    detail: str | None = None
    divisions: tuple[DivisionOption, ...] | None = None
    errors: tuple[CheckoutError, ...] | None = None
    field_errors: Mapping[str, str] | None = None
    delivery_text: str | None = None
    #: the delivery address or the hall (Chinese data, marked zh-Hans on the page)
    delivery_place: str | None = None
    application_number: str | None = None
    receipt_no: str | None = None
    paid_text: str | None = None
    notice: str | None = None
    prefill_phone: str | None = None
    focus: Focus | None = None
    #: another host (the cashier's page): a full page load
    redirect: str | None = None
