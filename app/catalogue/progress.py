"""A small progress bar for stderr (no dependency)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws ``label [####....] 45% 45000/100000 12,345/s`` at most every ``interval``."""

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
        self.done = 0
        self.started = time.perf_counter()
        self._drawn = 0.0

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more records and redraw if due."""
        self.done += n
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
        rate = self.done / max(now - self.started, 1e-9)
        if self.total:
            share = min(self.done / self.total, 1.0)
            bar = "#" * int(share * 30)
            text = f"{self.label} [{bar:.<30}] {share:4.0%} {self.done}/{self.total}"
        else:
            text = f"{self.label} {self.done}"
        self.stream.write(f"\r{text} {rate:,.0f}/s")
        self.stream.flush()
