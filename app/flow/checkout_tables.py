"""SQLModel tables of payment (统一支付) and delivery (统一物流) in the application flow.

Every row carries its ``owner`` (the identity provider's ``sub``); every query in
``app.flow.checkout``, ``app.flow.payment`` and ``app.flow.delivery`` filters on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.security.crypto import EncryptedJSON


def _encrypted() -> Any:
    """Personal data (answers, address, phone): JSON stored encrypted (``app.security.crypto``)."""
    return Field(sa_column=sa.Column(EncryptedJSON, nullable=False))


class Checkout(SQLModel, table=True):
    """An application that has passed its check page and waits for delivery choice and/or
    payment before it is submitted. ``snapshot`` is everything ``store.applications.submit`` needs, taken
    on the server when the citizen tapped 提交申请; the draft stays until the submission."""

    __tablename__ = "flow_checkout"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(index=True, max_length=200)
    item_code: str = Field(max_length=80, index=True)
    #: the idempotency key the application is submitted under (the check page's)
    idempotency_key: str = Field(unique=True, max_length=64)
    snapshot: dict[str, Any] = _encrypted()
    #: the delivery choice ({} until made): method collect|express, hall or address
    delivery: dict[str, Any] = _encrypted()
    needs_payment: bool = False
    needs_delivery: bool = False
    #: set once the application is in (then this checkout is finished)
    application_number: str = Field(default="", max_length=40, index=True)
    created_at: datetime
    updated_at: datetime


class PaymentOrder(SQLModel, table=True):
    """A payment order at the cashier for a checkout's fees (amounts from the catalogue)."""

    __tablename__ = "flow_payment"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id: int | None = Field(default=None, primary_key=True)
    order_no: str = Field(unique=True, max_length=40)
    checkout_id: int = Field(foreign_key="flow_checkout.id", index=True)
    owner: str = Field(index=True, max_length=200)
    #: "<owner>|<item>" while the order may still be paid (one open order per item and
    #: citizen: a double tap reuses it); NULL once it is paid, cancelled, failed or closed
    open_key: str | None = Field(default=None, unique=True, max_length=300)
    amount: int  # fen
    lines: list[dict[str, Any]] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    #: created (not at the cashier yet) open paid cancelled failed closed refunding refunded
    status: str = Field(max_length=20, index=True)
    #: what the cashier must still hear: "create", "refund" or "" (nothing)
    outbox: str = Field(default="create", max_length=20, index=True)
    pay_url: str = Field(default="", max_length=500)
    #: what the cashier is sent, kept so that an order it did not get is resent from the
    #: outbox by ``payment.push`` (not only when the citizen taps 重新支付)
    subject: str = Field(default="", max_length=200)
    notify_url: str = Field(default="", max_length=500)
    return_url: str = Field(default="", max_length=500)
    trade_no: str = Field(default="", max_length=64)
    receipt_no: str = Field(default="", max_length=64)
    refund_no: str = Field(default="", max_length=40)
    application_number: str = Field(default="", max_length=40, index=True)
    #: how many paid notifications arrived for it (the first one pays; later ones are resends)
    notifications: int = 0
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None = None


class Delivery(SQLModel, table=True):
    """How a submitted application's result reaches the citizen: window collection or express
    delivery, with its tracking number and the last courier status recorded."""

    __tablename__ = "flow_delivery"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id: int | None = Field(default=None, primary_key=True)
    application_number: str = Field(unique=True, max_length=40)
    owner: str = Field(index=True, max_length=200)
    method: str = Field(max_length=20)  # collect | express
    details: dict[str, Any] = _encrypted()
    #: "dispatch" once the back office completed an express application and the courier has
    #: not booked it yet; "" otherwise
    outbox: str = Field(default="", max_length=20, index=True)
    tracking_no: str = Field(default="", max_length=40)
    #: "" | booked | collected | in_transit | delivering | signed
    status: str = Field(default="", max_length=20)
    last_seq: int = 0
    created_at: datetime
    updated_at: datetime


class WorkLease(SQLModel, table=True):
    """Deployment-wide work one worker does at a time (the background back-office sync of
    ``app.flow.outbox``): whoever holds ``name`` until ``until`` does it; the others skip."""

    __tablename__ = "flow_lease"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(default="", max_length=80)
    until: datetime
