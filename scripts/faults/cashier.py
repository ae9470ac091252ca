"""The sandbox cashier the scaled faults run themselves (so that the ``cashier`` fault can stop
it and start it again on the same port), the pay witnesses and the payment outbox."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys
import time
from typing import Any

from scripts import scaled as stack
from scripts.faults.common import ROOT, Checks
from scripts.loadgen.checkout import checkout_view, pay_checkout
from scripts.loadgen.citizen import Citizen
from scripts.loadgen.crowd import Crowd
from scripts.loadgen.data import (
    app_database,
    flow_codes,
)
from scripts.loadgen.flow import flow_journey
from scripts.loadgen.record import PAID_BASIC_CODE, SYNTHETIC_PREFIX, FlowRecord


class CashierProcess:
    """The sandbox cashier of the scaled faults, on a fixed port with its store in a file."""

    def __init__(self) -> None:
        self.port = stack.free_port()
        self.key = secrets.token_urlsafe(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = stack.STATE / "cashier-faults.db"
        self.db.parent.mkdir(parents=True, exist_ok=True)
        self.db.unlink(missing_ok=True)
        (ROOT / "reports").mkdir(exist_ok=True)
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return {"YIWANG_CASHIER_URL": self.url, "YIWANG_CASHIER_KEY": self.key}

    def start(self) -> None:
        log = (ROOT / "reports" / "faults-cashier.log").open("ab")
        self.proc = subprocess.Popen(
            # --key=…: a token_urlsafe key may begin with "-" (argparse would take it for an option)
            [sys.executable, "-m", "sandboxes.cashier", "--port", str(self.port),
             f"--key={self.key}", "--db", str(self.db)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while not stack.port_open(self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise stack.ScaledError(f"the sandbox cashier did not start on {self.url}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            stack.stop_process(self.proc)
            self.proc = None

    def orders(self) -> list[dict[str, Any]]:
        import httpx

        return httpx.get(f"{self.url}/operator/orders", timeout=10).json()["orders"]


CASHIER: CashierProcess | None = None
#: the app's periodic outbox retry during the faults (YIWANG_OUTBOX_INTERVAL_S), and how long
#: the cashier fault waits for it to send the orders the outage left queued
OUTBOX_INTERVAL_S = 5
OUTBOX_WAIT_S = 60.0


def queued_orders(db_url: str, subs: list[str]) -> int:
    """How many of these citizens' payment orders still wait in the outbox."""
    from app.flow import payment

    with app_database(db_url):
        return sum(1 for order in payment.orders_of(subs) if order.outbox)


async def payers_ready(crowd: Crowd, db_url: str) -> int:
    """Each pay witness fills 机动车驾驶证期满换证, submits it and stops on its pay page."""
    paid_codes = [c for c in flow_codes(db_url) if c.startswith(PAID_BASIC_CODE)]
    ready = 0
    for citizen in crowd.citizens:
        citizen.flow = FlowRecord(
            f"{SYNTHETIC_PREFIX}{secrets.token_hex(8)}", paid_codes[0], hold_payment=True
        )
        await flow_journey(citizen, submit=True)
        ready += bool(citizen.flow.checkout) and checkout_view(citizen, "stage") == "pay"
    return ready


async def payers_tap_pay(crowd: Crowd) -> int:
    """The pay witnesses tap 去支付 while the cashier is away; how many were told so."""
    told = 0
    others: dict[str, int] = {}
    for citizen in crowd.citizens:
        assert citizen.flow is not None
        citizen.flow.hold_payment = False
        await pay_checkout(citizen, citizen.flow, on_page=True)  # it waits on its pay page
        stage = checkout_view(citizen, "stage")
        if stage == "unreachable" and citizen.flow.checkout:
            told += 1
        else:
            others[str(stage)] = others.get(str(stage), 0) + 1
    if others:
        print(f"  pay witnesses not told: stages {others}; errors {dict(crowd.stats.errors)}",
              flush=True)  # fmt: skip
    return told


async def settle_payments(checks: Checks, citizens: list[Citizen]) -> None:
    """Citizens whose payment did not go through (the cashier was away, the tab was cut
    off) tap 重新支付 now: every one of them must pay."""
    waiting = [c for c in citizens if c.flow is not None and c.flow.checkout]
    paid = 0
    why: dict[str, int] = {}
    for citizen in waiting:
        assert citizen.flow is not None
        for _ in range(5):
            if await pay_checkout(citizen, citizen.flow):
                paid += 1
                break
            await asyncio.sleep(2)
        else:
            stage = str(checkout_view(citizen, "stage"))
            why[stage] = why.get(stage, 0) + 1
    if why:
        print(f"  not paid after 5 tries, by the checkout's stage: {why}", flush=True)
    checks.check(
        paid == len(waiting),
        f"after recovery {paid}/{len(waiting)} citizens whose payment had not gone through paid",
    )
