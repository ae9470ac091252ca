"""A small progress bar for stderr (no dependency)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws ``label [####....] 45%  12,345 records  2,100/s`` at most every ``interval``.

    The bar follows bytes read (``update``), the count follows records.
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        enabled: bool,
        stream: TextIO | None = None,
        interval: float = 0.2,
    ) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self.stream = stream or sys.stderr
        self.interval = interval
        self.done = 0  # bytes
        self.records = 0
        self.started = time.perf_counter()
        self._drawn = 0.0

    def update(self, position: int) -> None:
        """One more record; ``position`` is the bytes read so far. Redraw if due."""
        self.records += 1
        self.done = max(self.done, position)
        now = time.perf_counter()
        if self.enabled and now - self._drawn >= self.interval:
            self._drawn = now
            self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        rate = self.records / max(now - self.started, 1e-9)
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        bar = "#" * int(share * 30)
        text = f"{self.label} [{bar:.<30}] {share:4.0%} {self.records:,} records"
        self.stream.write(f"\r{text} {rate:,.0f}/s ")
        self.stream.flush()
