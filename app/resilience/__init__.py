"""What keeps citizens' work through failures; installed on the app by ``app/app.py``.

- ``tokens``: a killed worker's tabs keep their tokens (and state) when they reconnect;
- ``locks``: and the state locks it held for them are broken instead of waited out;
- ``disk``: the embedded mode keeps states across restarts (states of another build dropped);
- ``notice``: an action the server cannot process, or is slow to, gets a translated notice.

Each module says what Reflex 0.10 does without it and what ``make faults`` measured.
"""

from __future__ import annotations

from typing import Any

from app.resilience import disk, locks, notice, tokens
from app.resilience.seam import REFLEX_RELEASES, check_reflex_version

__all__ = ["REFLEX_RELEASES", "check_reflex_version", "install"]


def install(app: Any, notice_state_name: str) -> None:
    """Apply the three to a constructed ``rx.App`` (state manager and namespace exist);
    ``notice_state_name``: the full name of the state whose ``service_notice`` the page reads
    (the app passes it in: nothing here imports a state)."""
    check_reflex_version()
    notice.install(notice_state_name)
    namespace = getattr(app, "_event_namespace", None)
    if namespace is not None:
        if tokens.install(namespace):
            locks.install(app, lambda: namespace._token_manager.instance_id)
        notice.clear_with_next_update(namespace)
        notice.watch_slow_events(namespace)
    disk.install(app)
