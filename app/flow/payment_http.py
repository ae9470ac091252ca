"""``POST /flow/payments/notify``: the cashier's server-to-server payment notification.

No session and no cookie: the notification is trusted only for its signature (and its order
and amount, checked by :func:`app.flow.payment.notified`). ``{"result": "success"}`` tells the
cashier to stop resending; anything refused answers 400 and is logged as a security event.
A paid notification submits the application and hands it to the back office at once.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.flow import backoffice, payment  # checkout: submits what is paid

NOTIFY_PATH = "/flow/payments/notify"


async def notify(request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        body = None
    try:
        order = await asyncio.to_thread(payment.notified, body)
    except payment.NotificationRefused as exc:
        return JSONResponse({"result": "fail", "message": str(exc)}, 400)
    if order.application_number:
        await backoffice.sync(order.owner, pull_changes=False)
    return JSONResponse({"result": "success"}, headers={"Cache-Control": "no-store"})
