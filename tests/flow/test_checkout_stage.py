"""The checkout's stage machine (app.flow.checkout.stage): where a stored checkout and its
current order stand, as /checkout/<code> shows it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.flow.checkout import stage
from app.flow.checkout_tables import Checkout, PaymentOrder

AT = datetime(2026, 1, 5, tzinfo=UTC)


def _row(**changes: object) -> Checkout:
    fields = {"owner": "alice", "item_code": "X", "idempotency_key": "k", "snapshot": {},
              "delivery": {"method": "collect"}, "needs_payment": True, "needs_delivery": True,
              "created_at": AT, "updated_at": AT}  # fmt: skip
    return Checkout(**{**fields, **changes})


def _order(status: str, outbox: str = "") -> PaymentOrder:
    return PaymentOrder(order_no="1", checkout_id=1, owner="alice", amount=2000, lines=[],
                        status=status, outbox=outbox, created_at=AT, updated_at=AT)  # fmt: skip


def test_submitted_delivery_first_then_confirm_or_pay() -> None:
    assert stage(_row(application_number="N1"), _order("open")) == "done"
    assert stage(_row(delivery={}), None) == "delivery"
    assert stage(_row(delivery={}, needs_delivery=False), None) == "pay"
    assert stage(_row(needs_payment=False), None) == "confirm"
    assert stage(_row(), None) == "pay"


@pytest.mark.parametrize(
    ("status", "outbox", "expected"),
    [
        ("created", "create", "unreachable"),  # never acknowledged by the cashier
        ("open", "", "waiting"),
        ("paid", "", "done"),
        ("refunding", "refund", "done"),
        ("refunded", "", "done"),
        ("cancelled", "", "cancelled"),
        ("failed", "", "failed"),
        ("closed", "", "timeout"),
        ("created", "", None),  # no stage says it: the page keeps what it showed
    ],
)
def test_where_the_payment_stands(status: str, outbox: str, expected: str | None) -> None:
    assert stage(_row(), _order(status, outbox)) == expected
