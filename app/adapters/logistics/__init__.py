"""Unified logistics (统一物流, express delivery of results): an httpx client of a small REST
protocol; ``sandboxes.logistics`` speaks it on loopback.

Protocol (JSON; ``Authorization: Bearer <token>`` when a token is configured):

- ``PUT {base}/shipments/{ref}`` with ``{"item", "sender", "recipient", "phone", "division",
  "address"}``: book a shipment for ``ref`` (the application number). Idempotent by ``ref``:
  201 the first time, 200 with the same tracking number after. Answers ``{"ref",
  "tracking_no", "status"}``.
- ``GET {base}/shipments/{tracking_no}``: ``{"tracking_no", "ref", "status", "events":
  [{"seq", "status", "at"}]}``, events oldest first.

Statuses, in order: ``booked`` (waiting for the courier), ``collected`` (揽收), ``in_transit``
(运输中), ``delivering`` (派送中), ``signed`` (已签收).

Settings: ``YIWANG_LOGISTICS_URL`` (unset: no express delivery is dispatched; applications
keep it queued) and ``YIWANG_LOGISTICS_TOKEN``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from app.adapters.tls import tls_context
from app.security.outbound import InsecureURL, require_safe_url

TIMEOUT_S = 5.0
STATUSES = ("booked", "collected", "in_transit", "delivering", "signed")
#: the statuses a citizen is told about (booking is the dispatch itself)
TRACKED = STATUSES[1:]


class LogisticsError(Exception):
    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class TrackEvent:
    seq: int
    status: str
    at: str


@dataclass(frozen=True)
class Shipment:
    ref: str
    tracking_no: str
    status: str
    events: tuple[TrackEvent, ...] = ()


def _status(value: Any) -> str:
    status = str(value)
    if status not in STATUSES:
        raise ValueError(f"unknown shipment status {status!r}")
    return status


class LogisticsClient:
    def __init__(
        self, base_url: str, token: str = "", transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        try:
            self.base_url = require_safe_url(base_url, "YIWANG_LOGISTICS_URL").rstrip("/")
        except InsecureURL as exc:
            raise LogisticsError(str(exc)) from exc
        self.token = token
        self._transport = transport

    async def _call(self, name: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{self.base_url}{path}"
        async with httpx.AsyncClient(
            timeout=TIMEOUT_S, verify=tls_context(), transport=self._transport
        ) as client:
            try:
                response = await client.request(method, url, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                raise LogisticsError(
                    f"logistics {name} ({method} {url}): {type(exc).__name__}: {exc}"
                ) from exc
        if response.status_code not in (200, 201):
            raise LogisticsError(
                f"logistics {name} ({method} {url}) answered {response.status_code}: "
                f"{response.text[:200]}",
                response.status_code,
            )
        try:
            return response.json()
        except ValueError as exc:
            raise LogisticsError(f"logistics {name} ({method} {url}): not JSON") from exc

    async def book(
        self,
        ref: str,
        *,
        item: str,
        sender: str,
        recipient: str,
        phone: str,
        division: str,
        address: str,
    ) -> Shipment:
        body = {
            "item": item,
            "sender": sender,
            "recipient": recipient,
            "phone": phone,
            "division": division,
            "address": address,
        }
        data = await self._call("book", "PUT", f"/shipments/{quote(ref, safe='')}", json=body)
        try:
            return Shipment(str(data["ref"]), str(data["tracking_no"]), _status(data["status"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise LogisticsError(f"logistics book of {ref}: bad answer: {exc}") from exc

    async def track(self, tracking_no: str) -> Shipment:
        data = await self._call("track", "GET", f"/shipments/{quote(tracking_no, safe='')}")
        try:
            events = tuple(
                TrackEvent(int(e["seq"]), _status(e["status"]), str(e["at"]))
                for e in data["events"]
            )
            return Shipment(
                str(data["ref"]), str(data["tracking_no"]), _status(data["status"]), events
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise LogisticsError(f"logistics track of {tracking_no}: bad answer: {exc}") from exc


def client_from_env() -> LogisticsClient | None:
    url = os.environ.get("YIWANG_LOGISTICS_URL", "").strip()
    if not url:
        return None
    return LogisticsClient(url, os.environ.get("YIWANG_LOGISTICS_TOKEN", ""))
