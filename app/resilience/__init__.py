"""What keeps citizens' work through failures; installed on the app by ``app/app.py``.

- ``tokens``: a killed worker's tabs keep their tokens (and state) when they reconnect;
- ``locks``: and the state locks it held for them are broken instead of waited out;
- ``disk``: the embedded mode keeps states across restarts (states of another build dropped);
- ``notice``: an action the server cannot process, or is slow to, gets a translated notice.

Each module says what Reflex 0.10 does without it and what ``make faults`` measured.
"""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    """Apply the three to a constructed ``rx.App`` (state manager and namespace exist)."""
    from app.resilience import disk, locks, notice, tokens

    namespace = getattr(app, "_event_namespace", None)
    if namespace is not None:
        if tokens.install(namespace):
            locks.install(app, lambda: namespace._token_manager.instance_id)
        notice.clear_with_next_update(namespace)
        notice.watch_slow_events(namespace)
    disk.install(app)
