"""Sandbox logistics (统一物流) for demos and tests, on loopback only.

It speaks the protocol of :mod:`app.adapters.logistics`. A booked shipment moves on by
itself through 揽收, 运输中, 派送中 and 已签收, one step every ``step_seconds`` (0: only by
the operator), and ``POST /operator/shipments/{tracking_no}/advance`` moves it one step now
(404 unknown, 409 already signed). ``GET /operator/shipments`` lists every shipment.
Run: ``python -m sandboxes.logistics --port 8770 [--step-seconds S]``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.adapters.logistics import STATUSES

SCHEMA = """
CREATE TABLE IF NOT EXISTS shipment (
    tracking_no TEXT PRIMARY KEY, ref TEXT UNIQUE NOT NULL, data TEXT NOT NULL,
    booked REAL NOT NULL);
CREATE TABLE IF NOT EXISTS event (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, tracking_no TEXT NOT NULL, status TEXT NOT NULL,
    at TEXT NOT NULL);
"""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str = ":memory:", step_seconds: float = 0) -> None:
        self.lock = threading.Lock()
        self.step = step_seconds
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)

    def _events(self, tracking_no: str) -> list[dict]:
        rows = self.db.execute(
            "SELECT seq, status, at FROM event WHERE tracking_no = ? ORDER BY seq", (tracking_no,)
        )
        return [dict(r) for r in rows]

    def _move(self, tracking_no: str, at: float) -> bool:
        done = len(self._events(tracking_no))
        if done + 1 >= len(STATUSES):
            return False
        self.db.execute(
            "INSERT INTO event (tracking_no, status, at) VALUES (?,?,?)",
            (tracking_no, STATUSES[done + 1], _iso(at)),
        )
        return True

    def _catch_up(self, row: sqlite3.Row) -> None:
        if self.step <= 0:
            return
        due = int((time.time() - row["booked"]) // self.step)
        while len(self._events(row["tracking_no"])) < min(due, len(STATUSES) - 1):
            n = len(self._events(row["tracking_no"]))
            if not self._move(row["tracking_no"], row["booked"] + (n + 1) * self.step):
                break

    def book(self, ref: str, data: dict) -> tuple[str, bool]:
        with self.lock:
            row = self.db.execute("SELECT * FROM shipment WHERE ref = ?", (ref,)).fetchone()
            if row is not None:
                return row["tracking_no"], False
            tracking = f"YW{datetime.now(UTC):%y%m%d}{secrets.randbelow(10**8):08d}"
            self.db.execute(
                "INSERT INTO shipment VALUES (?,?,?,?)",
                (tracking, ref, json.dumps(data, ensure_ascii=False), time.time()),
            )
            return tracking, True

    def view(self, tracking_no: str) -> dict | None:
        with self.lock:
            row = self.db.execute(
                "SELECT * FROM shipment WHERE tracking_no = ?", (tracking_no,)
            ).fetchone()
            if row is None:
                return None
            self._catch_up(row)
            events = self._events(tracking_no)
            status = events[-1]["status"] if events else "booked"
            return {
                "tracking_no": tracking_no,
                "ref": row["ref"],
                "status": status,
                "events": events,
            }

    def advance(self, tracking_no: str) -> dict:
        with self.lock:
            row = self.db.execute(
                "SELECT * FROM shipment WHERE tracking_no = ?", (tracking_no,)
            ).fetchone()
            if row is None:
                raise LookupError(f"no shipment {tracking_no}")
            if not self._move(tracking_no, time.time()):
                raise ValueError(f"shipment {tracking_no} is already signed for")
        view = self.view(tracking_no)
        assert view is not None
        return view


def make_app(token: str = "", db: str = ":memory:", step_seconds: float = 0) -> Starlette:
    store = Store(db, step_seconds)

    def authorized(request: Request) -> bool:
        return not token or secrets.compare_digest(
            request.headers.get("authorization", ""), f"Bearer {token}"
        )

    async def shipment(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "unauthorized"}, 401)
        ref = request.path_params["key"]
        if request.method == "PUT":
            try:
                data = await request.json()
            except ValueError:
                data = None
            need = ("recipient", "phone", "division", "address")
            if not isinstance(data, dict) or not all(str(data.get(k, "")).strip() for k in need):
                return JSONResponse({"error": f"a JSON object with {', '.join(need)}"}, 400)
            tracking, created = store.book(ref, data)
            return JSONResponse(
                {"ref": ref, "tracking_no": tracking, "status": "booked"}, 201 if created else 200
            )
        view = store.view(ref)
        if view is None:
            return JSONResponse({"error": f"no shipment {ref}"}, 404)
        return JSONResponse(view)

    async def advance(request: Request) -> Response:
        try:
            return JSONResponse(store.advance(request.path_params["tracking_no"]))
        except LookupError as exc:
            return JSONResponse({"error": str(exc)}, 404)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 409)

    async def listing(request: Request) -> Response:
        rows = store.db.execute("SELECT tracking_no, ref, data FROM shipment ORDER BY booked")
        return JSONResponse({"shipments": [dict(r) for r in rows]})

    return Starlette(
        routes=[
            Route("/shipments/{key}", shipment, methods=["GET", "PUT"]),
            Route("/operator/shipments", listing),
            Route("/operator/shipments/{tracking_no}/advance", advance, methods=["POST"]),
            Route("/health", lambda r: JSONResponse({"ok": True})),
        ]
    )
