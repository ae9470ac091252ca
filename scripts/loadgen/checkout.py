"""The checkout of a submitted form as a citizen goes through it: window collection or
delivery, 去支付 at the sandbox cashier, the return page and its receipt (``pay_checkout``)."""

from __future__ import annotations

import time
import urllib.parse
from typing import TYPE_CHECKING, Any

from scripts.loadgen.record import FlowRecord
from scripts.loadgen.wire import (
    CHECKOUT_STATE,
    Delta,
    delta_key,
    ensure_loopback,
)

if TYPE_CHECKING:
    from scripts.loadgen.citizen import Citizen


def checkout_view(citizen: Citizen, var: str) -> Any:
    return citizen.state.get(CHECKOUT_STATE, {}).get(delta_key(var))


async def pay_checkout(citizen: Citizen, flow: FlowRecord, *, on_page: bool = False) -> bool:
    """The checkout of a submitted form: window collection if asked, then 去支付 (a redirect to
    the cashier's page), the cashier's 确认支付 (an HTTP form post: the cashier notifies the app
    server to server before it sends the browser back), the return page loaded in this tab
    and the receipt shown. The whole of it is the ``payment`` journey time. An unreachable
    cashier leaves the checkout for the next journey (the citizen taps 重新支付 later).
    ``on_page``: the tab already shows this checkout (the citizen only taps)."""
    path = flow.checkout
    if not (on_page and citizen.path == path) and not await citizen.navigate("checkout_open", path):
        return False
    if checkout_view(citizen, "stage") == "delivery":
        # (the page's own load may still answer meanwhile: wait for the stage to move on)
        def chosen(delta: Delta) -> bool:
            view = delta.get(CHECKOUT_STATE, {})
            return view.get(delta_key("stage"), "delivery") != "delivery" or bool(
                view.get(delta_key("errors"))
            )

        payload = {"form_data": {"method": "collect"}}
        if not await citizen.event(
            "delivery_choose", f"{CHECKOUT_STATE}.choose_delivery", payload, chosen
        ):
            return False
    if flow.hold_payment:
        return False
    if checkout_view(citizen, "stage") != "done":
        started = time.monotonic()
        citizen.redirects.clear()

        def answered(delta: Delta) -> bool:
            # the cashier's page, or the page saying why not (a late answer of the page's
            # own load carries the stage too: that is not the answer to 去支付)
            stage = delta.get(CHECKOUT_STATE, {}).get(delta_key("stage"))
            return bool(citizen.redirects) or stage in ("unreachable", "done", "missing", "signin")

        if not await citizen.event("pay", f"{CHECKOUT_STATE}.pay", {}, answered):
            return False
        external = [r for r in citizen.redirects if not r.startswith("/")]
        if not external:
            stage = checkout_view(citizen, "stage")
            citizen.stats.error(f"payment: no cashier page (stage {stage!r}; order kept)")
            return False
        pay_url = external[-1]
        ensure_loopback(pay_url)
        try:
            async with citizen.http.post(
                pay_url, data={"action": "pay"}, allow_redirects=False
            ) as answer:
                back = answer.headers.get("Location", "")
        except Exception as exc:  # aiohttp errors: the cashier went away meanwhile
            citizen.stats.error(f"payment: cashier page unreachable ({type(exc).__name__})")
            return False
        parts = urllib.parse.urlsplit(back)
        if not parts.path.startswith("/checkout/"):
            citizen.stats.error(f"payment: the cashier sent the browser to {back[:80]!r}")
            return False
        if not await citizen.reload("pay_return", f"{parts.path}?{parts.query}"):
            return False
        if checkout_view(citizen, "stage") == "waiting":  # no notification yet: ask again
            await citizen.event(
                "pay_check",
                f"{CHECKOUT_STATE}.check_result",
                {},
                lambda d: delta_key("stage") in d.get(CHECKOUT_STATE, {}),
            )
        if checkout_view(citizen, "stage") != "done":
            citizen.stats.error(f"payment: stage {checkout_view(citizen, 'stage')!r} on return")
            return False
        citizen.stats.add_journey("payment", (time.monotonic() - started) * 1000)
    number = str(checkout_view(citizen, "application_number") or "")
    if not number:
        citizen.stats.error("payment: done without an application number")
        return False
    flow.submitted[flow.checkout_key] = (number, dict(flow.checkout_sent))
    flow.unconfirmed.pop(flow.checkout_key, None)
    flow.paid.append(number)
    flow.checkout, flow.checkout_key, flow.checkout_sent = "", "", {}
    flow.draft, flow.draft_step, flow.key = None, 0, ""
    citizen.page = "done"
    return True
