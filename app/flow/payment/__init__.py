"""Unified payment (统一支付) in the application flow: what an item costs, payment orders at the
cashier, and the cashier's signed notification as the only thing that marks an order paid.

- :func:`fees_of` takes the amounts from the catalogue's fee items (收费项目), never from the
  browser; :func:`to_fen` refuses fractions of a fen.
- :func:`open_order` gives a citizen one open order per item: a double tap or a retry of the
  pay button finds the same order (``open_key`` is unique), so it can be paid only once. A
  cancelled, failed or timed-out order is closed and the next tap opens a new one; the draft
  and the checkout are kept throughout.
- :func:`notified` checks a notification's signature, merchant, order and amount, then applies
  it once: the first ``paid`` pays and submits the application (idempotent by the checkout's
  key), resends are counted and change nothing.
- An order the cashier could not be reached for stays in the ``outbox`` (``create``) and is
  sent again by :func:`push` (every load of 我的 / progress pages, and every worker's periodic
  retry, ``app.flow.outbox``, which claims each row first); a refund after a rejection
  likewise (``refund``).

The coroutines run on a worker's event loop, so their database work goes to a thread.
"""

from __future__ import annotations

from app.flow.payment.fees import FeeLine, fees_of, payable_online, to_fen, total
from app.flow.payment.orders import (
    CLOSED,
    DEFAULT_TIMEOUT_S,
    OPEN,
    NotificationRefused,
    apply_status,
    current,
    for_application,
    link_application,
    notified,
    on_paid,
    open_order,
    orders_numbered,
    orders_of,
    receipts,
    timeout,
)
from app.flow.payment.sending import (
    claim,
    fresh,
    mark_refund,
    payment_client,
    push,
    reconcile,
    send,
)

__all__ = [
    "CLOSED",
    "DEFAULT_TIMEOUT_S",
    "OPEN",
    "FeeLine",
    "NotificationRefused",
    "apply_status",
    "claim",
    "current",
    "fees_of",
    "for_application",
    "fresh",
    "link_application",
    "mark_refund",
    "notified",
    "on_paid",
    "open_order",
    "orders_numbered",
    "orders_of",
    "payable_online",
    "payment_client",
    "push",
    "receipts",
    "reconcile",
    "send",
    "timeout",
    "to_fen",
    "total",
]
