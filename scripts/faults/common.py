"""What every fault shares: its settings (``FAULT_*``), its checks and waiting for a condition."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

WITNESSES = int(os.environ.get("FAULT_WITNESSES", "60"))
BACKGROUND = int(os.environ.get("FAULT_BACKGROUND", "200"))
OUTAGE_S = float(os.environ.get("FAULT_OUTAGE_S", "5"))
RECOVER_S = float(os.environ.get("FAULT_RECOVER_S", "60"))
FLOW_WITNESSES = int(os.environ.get("FAULT_FLOW_WITNESSES", "20"))
PAY_WITNESSES = int(os.environ.get("FAULT_PAY_WITNESSES", "10"))


class Checks:
    def __init__(self, name: str) -> None:
        self.name = name
        self.failed: list[str] = []
        #: the fault's figures, for the final JSON line (payments: orders, paid, lost, …)
        self.figures: dict[str, Any] = {}

    def check(self, ok: bool, what: str) -> None:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        if not ok:
            self.failed.append(what)


async def wait_for(predicate: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until predicate() held, or None after timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        await asyncio.sleep(0.25)
    return None
