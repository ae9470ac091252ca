"""Unified payment (统一支付): an httpx client of a cashier service and the signature that
both directions carry. ``sandboxes.cashier`` speaks the same protocol on loopback.

Every message is a flat JSON object of strings plus ``sign``: the hex HMAC-SHA256, under the
merchant key, of the other fields sorted by name and joined as ``k=v&k=v`` (amounts are whole
fen, ``"1000"`` for ¥10.00, never floats).

- ``POST {base}/orders`` ``{merchant_id, order_no, amount, subject, notify_url, return_url,
  expire_seconds, nonce, sign}``: create a payment order. Idempotent by ``order_no``: the same
  order again answers 200 with the same ``pay_url``; the same number with another amount 409.
  Answers (signed) ``{order_no, status, amount, pay_url, sign}``.
- ``GET {base}/orders/{order_no}?merchant_id=&nonce=&sign=``: the order as the cashier has it,
  signed: ``{order_no, status, amount, trade_no, receipt_no, paid_at, sign}``.
- ``POST {base}/orders/{order_no}/refunds`` ``{merchant_id, order_no, refund_no, amount,
  reason, nonce, sign}``: refund a paid order (idempotent by ``refund_no``); signed answer
  ``{order_no, refund_no, status: "refunded", sign}``.
- The citizen pays on ``pay_url`` (the cashier's page) and is sent back to ``return_url``. The
  cashier then POSTs (server to server) a signed notification to ``notify_url``:
  ``{merchant_id, order_no, status (paid | cancelled | failed | closed), amount, trade_no,
  receipt_no (电子票据号, paid only), paid_at, nonce, sign}``; it resends until it is answered
  ``{"result": "success"}``. Only this notification (or a signed answer of ``GET /orders``)
  moves an order; what the browser says on return is never trusted.

Statuses: ``created`` (waiting for the citizen), ``paid``, ``cancelled`` (by the citizen),
``failed`` (declined), ``closed`` (timed out unpaid), ``refunded``.

Settings: ``YIWANG_CASHIER_URL`` (unset: no online payment), ``YIWANG_CASHIER_MERCHANT`` (the
merchant id, default ``yiwang``) and ``YIWANG_CASHIER_KEY`` (the shared signing key; required
with a URL).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from app.adapters.tls import tls_context
from app.security.outbound import InsecureURL, require_safe_url

TIMEOUT_S = 5.0
STATUSES = ("created", "paid", "cancelled", "failed", "closed", "refunded")
#: what a notification may report
NOTIFIED = ("paid", "cancelled", "failed", "closed")


class CashierError(Exception):
    """The cashier failed, refused or answered nonsense; the message names the call."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class BadSignature(ValueError):
    """A message is unsigned, signed with another key, or not a flat object of strings."""


def canonical(fields: dict[str, Any]) -> str:
    """``k=v&k=v`` of every field but ``sign``, sorted by name (empty values included)."""
    parts = []
    for name in sorted(fields):
        if name == "sign":
            continue
        value = fields[name]
        if not isinstance(value, str):
            raise BadSignature(f"field {name!r} must be a string, got {type(value).__name__}")
        parts.append(f"{name}={value}")
    return "&".join(parts)


def sign(fields: dict[str, Any], key: str) -> str:
    if not key:
        raise BadSignature("no signing key configured")
    return hmac.new(key.encode(), canonical(fields).encode(), hashlib.sha256).hexdigest()


def signed(fields: dict[str, str], key: str) -> dict[str, str]:
    """``fields`` with a fresh ``nonce`` (unless given) and their ``sign``."""
    body = {"nonce": secrets.token_hex(8), **fields}
    return {**body, "sign": sign(body, key)}


def verify(fields: Any, key: str) -> dict[str, str]:
    """The fields of a correctly signed message; raises :class:`BadSignature` otherwise."""
    if not isinstance(fields, dict):
        raise BadSignature("the message is not a JSON object")
    given = fields.get("sign")
    if not isinstance(given, str) or not given:
        raise BadSignature("the message is not signed")
    expected = sign(fields, key)
    if not hmac.compare_digest(given.lower(), expected):
        raise BadSignature("the signature does not match")
    return {k: v for k, v in fields.items() if k != "sign"}


@dataclass(frozen=True)
class Order:
    order_no: str
    status: str
    amount: int  # fen
    pay_url: str = ""
    trade_no: str = ""
    receipt_no: str = ""
    paid_at: str = ""


def _order(data: dict[str, str]) -> Order:
    status = data.get("status", "")
    if status not in STATUSES:
        raise CashierError(f"cashier answered an unknown order status {status!r}")
    try:
        amount = int(data.get("amount", ""))
    except ValueError:
        raise CashierError(f"cashier answered a bad amount {data.get('amount')!r}") from None
    return Order(
        order_no=data.get("order_no", ""),
        status=status,
        amount=amount,
        pay_url=data.get("pay_url", ""),
        trade_no=data.get("trade_no", ""),
        receipt_no=data.get("receipt_no", ""),
        paid_at=data.get("paid_at", ""),
    )


class CashierClient:
    def __init__(
        self,
        base_url: str,
        merchant_id: str,
        key: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        try:
            self.base_url = require_safe_url(base_url, "YIWANG_CASHIER_URL").rstrip("/")
        except InsecureURL as exc:
            raise CashierError(str(exc)) from exc
        if not key:
            raise CashierError("YIWANG_CASHIER_KEY is required with YIWANG_CASHIER_URL")
        self.merchant_id = merchant_id
        self.key = key
        self._transport = transport

    async def _call(self, name: str, method: str, path: str, **kwargs: Any) -> dict[str, str]:
        url = f"{self.base_url}{path}"
        async with httpx.AsyncClient(
            timeout=TIMEOUT_S, verify=tls_context(), transport=self._transport
        ) as client:
            try:
                response = await client.request(method, url, **kwargs)
            except httpx.HTTPError as exc:
                raise CashierError(
                    f"cashier {name} ({method} {url}): {type(exc).__name__}: {exc}"
                ) from exc
        if response.status_code not in (200, 201):
            raise CashierError(
                f"cashier {name} ({method} {url}) answered {response.status_code}: "
                f"{response.text[:200]}",
                response.status_code,
            )
        try:
            return verify(response.json(), self.key)
        except (ValueError, BadSignature) as exc:
            raise CashierError(f"cashier {name} ({method} {url}): bad answer: {exc}") from exc

    async def create_order(
        self,
        order_no: str,
        amount: int,
        subject: str,
        *,
        notify_url: str,
        return_url: str,
        expire_seconds: int,
    ) -> Order:
        body = signed(
            {
                "merchant_id": self.merchant_id,
                "order_no": order_no,
                "amount": str(amount),
                "subject": subject,
                "notify_url": notify_url,
                "return_url": return_url,
                "expire_seconds": str(expire_seconds),
            },
            self.key,
        )
        order = _order(await self._call("create order", "POST", "/orders", json=body))
        if order.order_no != order_no or order.amount != amount:
            raise CashierError(f"cashier answered order {order.order_no} of {order.amount} fen")
        return order

    async def query(self, order_no: str) -> Order:
        params = signed({"merchant_id": self.merchant_id, "order_no": order_no}, self.key)
        path = f"/orders/{quote(order_no, safe='')}"
        return _order(await self._call("query order", "GET", path, params=params))

    async def refund(self, order_no: str, refund_no: str, amount: int, reason: str) -> str:
        body = signed(
            {
                "merchant_id": self.merchant_id,
                "order_no": order_no,
                "refund_no": refund_no,
                "amount": str(amount),
                "reason": reason[:200],
            },
            self.key,
        )
        path = f"/orders/{quote(order_no, safe='')}/refunds"
        data = await self._call("refund", "POST", path, json=body)
        if data.get("status") != "refunded" or data.get("refund_no") != refund_no:
            raise CashierError(f"cashier refund of {order_no}: not refunded: {data!r}")
        return refund_no


def settings() -> tuple[str, str, str]:
    """``(url, merchant id, key)`` from the environment (url empty: no cashier)."""
    return (
        os.environ.get("YIWANG_CASHIER_URL", "").strip(),
        os.environ.get("YIWANG_CASHIER_MERCHANT", "").strip() or "yiwang",
        os.environ.get("YIWANG_CASHIER_KEY", ""),
    )


def client_from_env() -> CashierClient | None:
    url, merchant, key = settings()
    return CashierClient(url, merchant, key) if url else None
