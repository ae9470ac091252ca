"""Playwright on Debian's Chromium, and the device profiles the suite runs on."""

from __future__ import annotations

import os
from typing import Any

CHROMIUM = os.environ.get("YIWANG_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# A low-end Android phone: 360×640 CSS px at DPR 2 (the smallest width we design for).
LOW_END_ANDROID: dict[str, Any] = {
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36"
    ),
    "viewport": {"width": 360, "height": 640},
    "screen": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DEVICES = ("iPhone 13", "Pixel 7", "Low-end Android 360x640")


def device_context_args(playwright: Any, name: str) -> dict[str, Any]:
    """Context options for a device (Chromium only: the descriptor's browser type is dropped)."""
    if name == DEVICES[2]:
        args = dict(LOW_END_ANDROID)
    else:
        args = dict(playwright.devices[name])
        args.pop("default_browser_type", None)
    return {**args, "locale": "zh-CN"}


def launch(playwright: Any):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
