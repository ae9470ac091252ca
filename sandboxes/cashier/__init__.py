"""Sandbox cashier (统一支付收银台) for demos and tests, on loopback only.

It speaks the protocol of :mod:`app.adapters.cashier` (signed orders, queries, refunds and
server-to-server notifications, resent until answered ``success``) and has the citizen's side:

- ``GET /pay/{order_no}``: the cashier page (the order's subject and amount, 确认支付, 取消支付
  and, sandbox only, 模拟支付失败);
- ``POST /pay/{order_no}`` with ``action`` (pay | cancel | fail): the order moves, the signed
  notification is sent (the first attempt before the browser is sent back, so the app usually
  knows before the citizen returns), then 303 to the order's ``return_url``.

Operator endpoints for tests: ``GET /operator/orders`` (every order, its refunds and how many
notifications were delivered) and ``POST /operator/orders/{order_no}/notify`` (send the
notification again, as a cashier does when it did not hear ``success``).

An unpaid order closes ``expire_seconds`` after it was created (timed out) and that is
notified too. The store is SQLite (``:memory:`` by default; ``--db PATH`` keeps it).
Run: ``python -m sandboxes.cashier --port 8769 --key KEY``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
import sqlite3
import threading
import time
from datetime import UTC, datetime

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app.adapters.cashier import BadSignature, signed, verify

log = logging.getLogger(__name__)
RETRY_DELAYS_S = (0.5, 1, 2, 4, 8, 15, 30, 60)

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_no TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, amount INTEGER NOT NULL,
    subject TEXT NOT NULL, notify_url TEXT NOT NULL, return_url TEXT NOT NULL,
    status TEXT NOT NULL, trade_no TEXT NOT NULL DEFAULT '', receipt_no TEXT NOT NULL DEFAULT '',
    paid_at TEXT NOT NULL DEFAULT '', created REAL NOT NULL, expires REAL NOT NULL,
    notified INTEGER NOT NULL DEFAULT 0, payments INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS refunds (
    refund_no TEXT PRIMARY KEY, order_no TEXT NOT NULL, amount INTEGER NOT NULL,
    reason TEXT NOT NULL, at TEXT NOT NULL);
"""
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - 统一支付（沙箱）</title>
<style>body{{font:1.125rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:30rem;padding:1rem}}
button{{display:block;width:100%;min-height:3rem;margin:.75rem 0;font-size:1.125rem}}
.amount{{font-size:2rem;font-weight:700}}</style></head><body><main>
<h1>{title}</h1>{body}</main></body></html>"""


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)
        self.serial = int(time.time()) % 100000

    def get(self, order_no: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM orders WHERE order_no = ?", (order_no,)).fetchone()

    def create(self, data: dict[str, str]) -> tuple[sqlite3.Row, bool]:
        """The order (created now or before) and whether it is new; ValueError on a clash."""
        with self.lock:
            row = self.get(data["order_no"])
            if row is not None:
                if (
                    row["amount"] != int(data["amount"])
                    or row["merchant_id"] != data["merchant_id"]
                ):
                    raise ValueError(f"order {data['order_no']} exists with another amount")
                return row, False
            now = time.time()
            self.db.execute(
                "INSERT INTO orders (order_no, merchant_id, amount, subject, notify_url, "
                "return_url, status, created, expires) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    data["order_no"],
                    data["merchant_id"],
                    int(data["amount"]),
                    data.get("subject", "")[:100],
                    data["notify_url"],
                    data["return_url"],
                    "created",
                    now,
                    now + max(int(data.get("expire_seconds") or 900), 1),
                ),
            )
            row = self.get(data["order_no"])
            assert row is not None
            return row, True

    def expire(self, order_no: str) -> bool:
        """Close the order if it is unpaid past its time; True when it closed now."""
        with self.lock:
            row = self.get(order_no)
            if row is None or row["status"] != "created" or time.time() < row["expires"]:
                return False
            self.db.execute("UPDATE orders SET status='closed' WHERE order_no=?", (order_no,))
            return True

    def act(self, order_no: str, action: str) -> bool:
        """The citizen's choice on the cashier page; True when the order moved."""
        with self.lock:
            row = self.get(order_no)
            if row is None or row["status"] != "created" or time.time() >= row["expires"]:
                return False
            if action == "pay":
                self.serial += 1
                stamp = datetime.now(UTC)
                trade = f"T{stamp:%Y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"
                # 电子票据号: a fiscal e-bill number (sandbox: province-neutral digits)
                receipt = f"{stamp:%y}{self.serial:010d}{secrets.randbelow(10**4):04d}"
                self.db.execute(
                    "UPDATE orders SET status='paid', trade_no=?, receipt_no=?, paid_at=?, "
                    "payments=payments+1 WHERE order_no=?",
                    (trade, receipt, stamp.isoformat(timespec="seconds"), order_no),
                )
            elif action in ("cancel", "fail"):
                status = "cancelled" if action == "cancel" else "failed"
                self.db.execute("UPDATE orders SET status=? WHERE order_no=?", (status, order_no))
            else:
                return False
            return True

    def refund(self, data: dict[str, str]) -> str:
        """Refund a paid order once per refund number; LookupError / ValueError otherwise."""
        with self.lock:
            row = self.get(data["order_no"])
            if row is None:
                raise LookupError(f"no order {data['order_no']}")
            done = self.db.execute(
                "SELECT * FROM refunds WHERE refund_no = ?", (data["refund_no"],)
            ).fetchone()
            if done is not None:
                return "refunded"
            if row["status"] != "paid":
                raise ValueError(f"order {data['order_no']} is {row['status']}, not paid")
            if int(data["amount"]) != row["amount"]:
                raise ValueError("a refund must be of the whole amount paid")
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT INTO refunds VALUES (?,?,?,?,?)",
                (
                    data["refund_no"],
                    data["order_no"],
                    row["amount"],
                    data.get("reason", ""),
                    _now_iso(),
                ),
            )
            self.db.execute(
                "UPDATE orders SET status='refunded' WHERE order_no=?", (data["order_no"],)
            )
            self.db.execute("COMMIT")
            return "refunded"


def _fields(row: sqlite3.Row) -> dict[str, str]:
    return {
        "order_no": row["order_no"],
        "status": row["status"],
        "amount": str(row["amount"]),
        "trade_no": row["trade_no"],
        "receipt_no": row["receipt_no"],
        "paid_at": row["paid_at"],
    }


def _yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


def make_app(key: str, db: str = ":memory:", merchant_id: str = "yiwang") -> Starlette:
    if not key:
        raise SystemExit("the sandbox cashier needs a signing key (--key or YIWANG_CASHIER_KEY)")
    store = Store(db)
    tasks: set[asyncio.Task] = set()

    async def notify_once(order_no: str) -> bool:
        row = store.get(order_no)
        if row is None or row["status"] == "created":
            return False
        body = signed({"merchant_id": row["merchant_id"], **_fields(row)}, key)
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.post(row["notify_url"], json=body)
            ok = response.status_code == 200 and response.json().get("result") == "success"
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("notification of %s not delivered: %s", order_no, exc)
            return False
        if ok:
            with store.lock:
                store.db.execute(
                    "UPDATE orders SET notified = notified + 1 WHERE order_no = ?", (order_no,)
                )
        return ok

    async def notify_until_heard(order_no: str) -> None:
        for delay in RETRY_DELAYS_S:
            await asyncio.sleep(delay)
            if await notify_once(order_no):
                return

    async def notify(order_no: str) -> None:
        """First attempt now; if it is not heard, keep resending in the background."""
        if not await notify_once(order_no):
            task = asyncio.create_task(notify_until_heard(order_no))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def signed_body(request: Request) -> dict[str, str] | Response:
        try:
            data = verify(await request.json(), key)
        except (ValueError, BadSignature) as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, 400)
        if data.get("merchant_id") != merchant_id:
            return JSONResponse({"error": "unknown merchant"}, 403)
        return data

    async def orders(request: Request) -> Response:
        data = await signed_body(request)
        if isinstance(data, Response):
            return data
        missing = [f for f in ("order_no", "amount", "notify_url", "return_url") if not data.get(f)]
        if missing or not data["amount"].isdigit() or int(data["amount"]) <= 0:
            return JSONResponse({"error": f"missing or bad: {missing or ['amount']}"}, 400)
        try:
            row, created = store.create(data)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 409)
        pay_url = f"{request.url.scheme}://{request.url.netloc}/pay/{row['order_no']}"
        answer = signed({**_fields(row), "pay_url": pay_url}, key)
        return JSONResponse(answer, 201 if created else 200)

    async def order(request: Request) -> Response:
        try:
            data = verify(dict(request.query_params), key)
        except BadSignature as exc:
            return JSONResponse({"error": str(exc)}, 400)
        number = request.path_params["order_no"]
        if data.get("merchant_id") != merchant_id or data.get("order_no") != number:
            return JSONResponse({"error": "unknown merchant or order"}, 403)
        if store.expire(number):
            await notify(number)
        row = store.get(number)
        if row is None:
            return JSONResponse({"error": f"no order {number}"}, 404)
        return JSONResponse(signed(_fields(row), key))

    async def refunds(request: Request) -> Response:
        data = await signed_body(request)
        if isinstance(data, Response):
            return data
        if data.get("order_no") != request.path_params["order_no"] or not data.get("refund_no"):
            return JSONResponse({"error": "order_no and refund_no are required"}, 400)
        try:
            status = store.refund(data)
        except LookupError as exc:
            return JSONResponse({"error": str(exc)}, 404)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 409)
        return JSONResponse(
            signed(
                {"order_no": data["order_no"], "refund_no": data["refund_no"], "status": status},
                key,
            )
        )

    async def pay_page(request: Request) -> Response:
        number = request.path_params["order_no"]
        if store.expire(number):
            await notify(number)
        row = store.get(number)
        if row is None:
            body = "<p>没有这笔订单。</p>"
            return HTMLResponse(PAGE.format(title="订单不存在", body=body), 404)
        if request.method == "POST":
            form = await request.form()
            action = str(form.get("action", ""))
            if store.act(number, action):
                await notify(number)  # before the browser goes back: the app hears it first
            return RedirectResponse(row["return_url"], 303)
        if row["status"] != "created":
            status = {
                "paid": "已支付",
                "cancelled": "已取消",
                "failed": "支付失败",
                "closed": "已超时关闭",
                "refunded": "已退款",
            }[row["status"]]
            body = (
                f"<p>这笔订单{status}。</p>"
                f'<p><a href="{html.escape(row["return_url"])}">返回办事页面</a></p>'
            )
            return HTMLResponse(PAGE.format(title="统一支付", body=body))
        body = (
            f"<p>{html.escape(row['subject'])}</p>"
            f'<p>应付金额 <span class="amount">{_yuan(row["amount"])}</span></p>'
            f"<p>订单号 {html.escape(number)}</p>"
            f'<form method="post" action="/pay/{html.escape(number)}">'
            '<button name="action" value="pay">确认支付</button>'
            '<button name="action" value="cancel">取消支付</button>'
            '<button name="action" value="fail">模拟支付失败</button></form>'
            "<p>这是沙箱收银台，不会产生真实扣款。</p>"
        )
        return HTMLResponse(PAGE.format(title="统一支付收银台", body=body))

    async def listing(request: Request) -> Response:
        rows = [dict(r) for r in store.db.execute("SELECT * FROM orders ORDER BY created")]
        refunds_ = [dict(r) for r in store.db.execute("SELECT * FROM refunds")]
        return JSONResponse({"orders": rows, "refunds": refunds_})

    async def resend(request: Request) -> Response:
        number = request.path_params["order_no"]
        if store.get(number) is None:
            return JSONResponse({"error": f"no order {number}"}, 404)
        return JSONResponse({"delivered": await notify_once(number)})

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        for task in list(tasks):
            task.cancel()

    return Starlette(
        routes=[
            Route("/orders", orders, methods=["POST"]),
            Route("/orders/{order_no}", order),
            Route("/orders/{order_no}/refunds", refunds, methods=["POST"]),
            Route("/pay/{order_no}", pay_page, methods=["GET", "POST"]),
            Route("/operator/orders", listing),
            Route("/operator/orders/{order_no}/notify", resend, methods=["POST"]),
            Route("/health", lambda r: JSONResponse({"ok": True})),
        ],
        lifespan=lifespan,
    )
