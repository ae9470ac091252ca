"""The service notice: shown when the server could not process the citizen's last action.

Set by :mod:`app.resilience.notice` straight to the page, outside the state manager (it must
reach the page while Redis or PostgreSQL is down, when no state can be loaded or saved), and
cleared with the next state update the page receives (the service answers again) or by the
full state a reconnect hydrates. Never set by a handler: the stored value stays ``False``.
"""

from __future__ import annotations

import reflex as rx


class NoticeState(rx.State):
    service_trouble: bool = False
