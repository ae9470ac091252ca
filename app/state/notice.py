"""The service notice: what the page says when the server could not process the citizen's last
action (``"failed"``), or is still working on it after a few seconds (``"slow"``).

Set by :mod:`app.resilience.notice` straight to the page, outside the state manager (it must
reach the page while Redis or PostgreSQL is down, when no state can be loaded or saved), and
cleared (``""``) when the action is processed, with the next state update the page receives, or
by the full state a reconnect hydrates. Never set by a handler: the stored value stays ``""``.
"""

from __future__ import annotations

import reflex as rx


class NoticeState(rx.State):
    service_notice: str = ""
