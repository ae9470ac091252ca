"""Sandbox back office (审批系统) for demos and tests, on loopback only.

It speaks the protocol of :mod:`app.adapters.backoffice` and adds operator endpoints that
move an application the way a clerk would:

- ``POST /operator/applications/{number}/advance`` with ``{"status", "note"}`` (status one of
  accepted, reviewing, completed, returned, rejected; moves are checked): 200 with the change,
  404 for an unknown number, 409 for a move that is not allowed, 400 for a bad body.
- ``GET /operator/applications``: every application with its status.

The store is a small SQLite database (``:memory:`` by default; ``--db PATH`` keeps it).
Run: ``python -m sandboxes.backoffice --port 8767``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.adapters.backoffice import OPERATOR_MOVES
from app.domain.rules import MOVES

SCHEMA = """
CREATE TABLE IF NOT EXISTS application (
    number TEXT PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL,
    corrections INTEGER NOT NULL DEFAULT 0, received_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS change (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT NOT NULL, status TEXT NOT NULL,
    note TEXT NOT NULL, at TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)

    def get(self, number: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM application WHERE number = ?", (number,)).fetchone()

    def changes(self, since: int, limit: int, number: str | None = None) -> list[dict]:
        if number is None:
            rows = self.db.execute(
                "SELECT * FROM change WHERE seq > ? ORDER BY seq LIMIT ?", (since, limit)
            )
        else:
            rows = self.db.execute("SELECT * FROM change WHERE number = ? ORDER BY seq", (number,))
        return [dict(r) for r in rows]

    def submit(self, number: str, data: dict) -> bool:
        with self.lock:
            if self.get(number) is not None:
                return False
            self.db.execute(
                "INSERT INTO application (number, status, data, received_at) VALUES (?,?,?,?)",
                (number, "submitted", json.dumps(data, ensure_ascii=False), _now()),
            )
            return True

    def move(self, number: str, status: str, note: str) -> dict:
        """Operator move; raises LookupError (unknown) or ValueError (not allowed)."""
        with self.lock:
            row = self.get(number)
            if row is None:
                raise LookupError(f"no application {number}")
            if status not in OPERATOR_MOVES or status not in MOVES[row["status"]]:
                allowed = ", ".join(m for m in MOVES[row["status"]] if m in OPERATOR_MOVES)
                raise ValueError(
                    f"{number} is {row['status']}; it can move to: {allowed or 'none'}, "
                    f"not {status}"
                )
            at = _now()
            self.db.execute("BEGIN")
            self.db.execute("UPDATE application SET status = ? WHERE number = ?", (status, number))
            cur = self.db.execute(
                "INSERT INTO change (number, status, note, at) VALUES (?,?,?,?)",
                (number, status, note[:500], at),
            )
            self.db.execute("COMMIT")
            return {
                "seq": cur.lastrowid,
                "number": number,
                "status": status,
                "note": note[:500],
                "at": at,
            }

    def correct(self, number: str, round_: int) -> str:
        """A correction round from the citizen; raises LookupError or ValueError."""
        with self.lock:
            row = self.get(number)
            if row is None:
                raise LookupError(f"no application {number}")
            if round_ <= row["corrections"]:
                return str(row["status"])  # this round already arrived
            if row["status"] != "returned" or round_ != row["corrections"] + 1:
                raise ValueError(
                    f"{number} is {row['status']} after {row['corrections']} correction(s); "
                    f"round {round_} is not expected"
                )
            self.db.execute(
                "UPDATE application SET status = 'submitted', corrections = ? WHERE number = ?",
                (round_, number),
            )
            return "submitted"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _error(message: str, code: int) -> JSONResponse:
    return JSONResponse({"error": message}, code)


async def _body(request: Request) -> dict | None:
    try:
        data = await request.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def make_app(token: str = "", db: str = ":memory:") -> Starlette:
    store = Store(db)

    def authorized(request: Request) -> bool:
        return not token or secrets.compare_digest(
            request.headers.get("authorization", ""), f"Bearer {token}"
        )

    async def application(request: Request) -> Response:
        if not authorized(request):
            return _error("unauthorized", 401)
        number = request.path_params["number"]
        if request.method == "PUT":
            data = await _body(request)
            if data is None or not str(data.get("item_code", "")).strip():
                return _error("a JSON object with item_code is required", 400)
            created = store.submit(number, data)
            row = store.get(number)
            assert row is not None
            return JSONResponse(
                {"number": number, "status": row["status"]}, 201 if created else 200
            )
        row = store.get(number)
        if row is None:
            return _error(f"no application {number}", 404)
        changes = store.changes(0, 0, number)
        return JSONResponse({"number": number, "status": row["status"], "changes": changes})

    async def corrections(request: Request) -> Response:
        if not authorized(request):
            return _error("unauthorized", 401)
        data = await _body(request)
        if data is None or not isinstance(data.get("round"), int) or data["round"] < 1:
            return _error("a JSON object with a round (1, 2 …) is required", 400)
        try:
            status = store.correct(request.path_params["number"], data["round"])
        except LookupError as exc:
            return _error(str(exc), 404)
        except ValueError as exc:
            return _error(str(exc), 409)
        return JSONResponse({"number": request.path_params["number"], "status": status})

    async def changes(request: Request) -> Response:
        if not authorized(request):
            return _error("unauthorized", 401)
        try:
            since = int(request.query_params.get("since", "0"))
            limit = min(max(int(request.query_params.get("limit", "200")), 1), 1000)
        except ValueError:
            return _error("since and limit must be whole numbers", 400)
        return JSONResponse({"changes": store.changes(since, limit)})

    async def advance(request: Request) -> Response:
        if not authorized(request):
            return _error("unauthorized", 401)
        data = await _body(request)
        if data is None or not isinstance(data.get("status"), str):
            return _error("a JSON object with a status is required", 400)
        try:
            change = store.move(
                request.path_params["number"], data["status"], str(data.get("note", ""))
            )
        except LookupError as exc:
            return _error(str(exc), 404)
        except ValueError as exc:
            return _error(str(exc), 409)
        return JSONResponse(change)

    async def listing(request: Request) -> Response:
        if not authorized(request):
            return _error("unauthorized", 401)
        rows = store.db.execute(
            "SELECT number, status, corrections, received_at FROM application ORDER BY rowid"
        )
        return JSONResponse({"applications": [dict(r) for r in rows]})

    return Starlette(
        routes=[
            Route("/applications/{number}", application, methods=["GET", "PUT"]),
            Route("/applications/{number}/corrections", corrections, methods=["POST"]),
            Route("/changes", changes),
            Route("/operator/applications", listing),
            Route("/operator/applications/{number}/advance", advance, methods=["POST"]),
            Route("/health", lambda r: JSONResponse({"ok": True})),
        ]
    )
