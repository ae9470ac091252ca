"""Back office (审批系统): where submitted applications are accepted, reviewed, completed,
returned for correction or rejected. An httpx client of a small REST protocol;
``sandboxes.backoffice`` speaks it on loopback.

Protocol (JSON; ``Authorization: Bearer <token>`` when a token is configured):

- ``PUT {base}/applications/{number}`` with ``{"item_code", "item_name", "department",
  "promised_days", "submitted_at", "values"}``: register a submitted application. Idempotent
  by number: 201 the first time, 200 with the same answer after. Answers ``{"number",
  "status"}``.
- ``GET {base}/applications/{number}``: ``{"number", "status", "changes": [change…]}``.
- ``GET {base}/changes?since=<cursor>&limit=<n>``: the status changes made by the back office
  after ``cursor``, oldest first: ``{"changes": [{"seq", "number", "status", "note", "at"}]}``.
  ``seq`` grows strictly; the last one seen is the next cursor.
- ``POST {base}/applications/{number}/corrections`` with ``{"round", "files"}``: the citizen
  supplied corrected materials (补正) for a returned application, which goes back to
  ``submitted``. Idempotent by round (1 for the first correction, 2 for the second …).

Settings: ``YIWANG_BACKOFFICE_URL`` (unset: applications stay local and are moved by the
``python -m app.flow advance`` operator tool) and ``YIWANG_BACKOFFICE_TOKEN``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from app.adapters.tls import tls_context
from app.domain.rules import STATUSES, Status
from app.security.outbound import InsecureURL, require_safe_url

TIMEOUT_S = 5.0

#: the statuses an operator moves an application to (submitted only comes from the citizen)
OPERATOR_MOVES: tuple[Status, ...] = tuple(s for s in STATUSES if s is not Status.SUBMITTED)


class BackOfficeError(Exception):
    """The back office failed, refused or answered nonsense; the message names the call and,
    when there was an answer, its status code (also in ``status_code``)."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Change:
    """A status change made by the back office."""

    seq: int
    number: str
    status: str
    note: str
    at: str


@dataclass(frozen=True)
class StatusReport:
    """The back office's answer about one application: its status and its changes."""

    number: str
    status: str
    changes: tuple[Change, ...] = ()


def _change(row: Any) -> Change:
    change = Change(
        seq=int(row["seq"]),
        number=str(row["number"]),
        status=str(row["status"]),
        note=str(row.get("note", "")),
        at=str(row.get("at", "")),
    )
    if change.status not in STATUSES:
        raise ValueError(f"unknown status {change.status!r}")
    return change


class BackOfficeClient:
    def __init__(
        self, base_url: str, token: str = "", transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        try:
            self.base_url = require_safe_url(base_url, "YIWANG_BACKOFFICE_URL").rstrip("/")
        except InsecureURL as exc:
            raise BackOfficeError(str(exc)) from exc
        self.token = token
        self._transport = transport

    async def _call(
        self, name: str, method: str, path: str, ok: tuple[int, ...] = (200,), **kwargs: Any
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{self.base_url}{path}"
        async with httpx.AsyncClient(
            timeout=TIMEOUT_S, verify=tls_context(), transport=self._transport
        ) as client:
            try:
                response = await client.request(method, url, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                raise BackOfficeError(
                    f"back office {name} ({method} {url}): {type(exc).__name__}: {exc}"
                ) from exc
        if response.status_code not in ok:
            detail = response.text[:200]
            raise BackOfficeError(
                f"back office {name} ({method} {url}) answered {response.status_code}: {detail}",
                response.status_code,
            )
        try:
            return response.json()
        except ValueError as exc:
            raise BackOfficeError(
                f"back office {name} ({method} {url}) answered {response.status_code} "
                f"with a body that is not JSON",
                response.status_code,
            ) from exc

    @staticmethod
    def _path(number: str) -> str:
        return f"/applications/{quote(number, safe='')}"

    async def submit(
        self,
        number: str,
        *,
        item_code: str,
        item_name: str,
        department: str,
        promised_days: int,
        submitted_at: str,
        values: dict[str, Any],
    ) -> str:
        """Register a submitted application (idempotent by number); its back-office status."""
        body = {
            "item_code": item_code,
            "item_name": item_name,
            "department": department,
            "promised_days": promised_days,
            "submitted_at": submitted_at,
            "values": values,
        }
        data = await self._call("submit", "PUT", self._path(number), (200, 201), json=body)
        try:
            return str(data["status"])
        except (KeyError, TypeError) as exc:
            raise BackOfficeError(f"back office submit of {number}: no status in {data!r}") from exc

    async def status(self, number: str) -> StatusReport:
        """One application's status and the back office's changes to it."""
        data = await self._call("status", "GET", self._path(number))
        try:
            return StatusReport(
                str(data["number"]),
                str(data["status"]),
                tuple(_change(r) for r in data.get("changes", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BackOfficeError(f"back office status of {number}: bad answer: {exc}") from exc

    async def changes(self, since: int = 0, limit: int = 200) -> list[Change]:
        """Status changes after ``since`` (a ``seq``), oldest first."""
        data = await self._call(
            "changes", "GET", "/changes", params={"since": since, "limit": limit}
        )
        try:
            return [_change(r) for r in data["changes"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise BackOfficeError(f"back office changes since {since}: bad answer: {exc}") from exc

    async def send_correction(self, number: str, round_: int, files: list[str]) -> str:
        """Tell the back office that corrected materials were supplied (round 1, 2 …)."""
        data = await self._call(
            "correction",
            "POST",
            self._path(number) + "/corrections",
            json={"round": round_, "files": files},
        )
        try:
            return str(data["status"])
        except (KeyError, TypeError) as exc:
            raise BackOfficeError(f"back office correction of {number}: no status") from exc

    async def advance(self, number: str, status: str, note: str = "") -> Change:
        """Operator move (sandbox and test back offices only): ``status`` with a note."""
        data = await self._call(
            "advance",
            "POST",
            f"/operator{self._path(number)}/advance",
            json={"status": status, "note": note},
        )
        try:
            return _change(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise BackOfficeError(f"back office advance of {number}: bad answer: {exc}") from exc


def client_from_env() -> BackOfficeClient | None:
    url = os.environ.get("YIWANG_BACKOFFICE_URL", "").strip()
    if not url:
        return None
    return BackOfficeClient(url, os.environ.get("YIWANG_BACKOFFICE_TOKEN", ""))
