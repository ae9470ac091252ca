"""What keeps citizens' work through failures; installed on the app by ``app/app.py``.

- ``tokens``: a killed worker's tabs keep their tokens (and state) when they reconnect;
- ``locks``: and the state locks it held for them are broken instead of waited out;
- ``disk``: the embedded mode keeps states across restarts (states of another build dropped);
- ``notice``: an action the server cannot process, or is slow to, gets a translated notice.

Each module says what Reflex 0.10 does without it and what ``make faults`` measured.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

# Every hook here reaches into private parts of Reflex (tests/resilience/test_seam.py names
# each and shows Reflex still has and calls it). They were written for these releases; on any
# other the app refuses to start until someone has rerun those tests and widened this.
REFLEX_RELEASES = ("0.10.",)


def check_reflex_version(installed: str | None = None) -> None:
    """Fail with a clear message on a Reflex release the hooks were not written for."""
    found = installed or version("reflex")
    if not found.startswith(REFLEX_RELEASES):
        raise RuntimeError(
            f"app/resilience hooks into Reflex internals written for Reflex "
            f"{', '.join(r + 'x' for r in REFLEX_RELEASES)}; the installed Reflex is {found}. "
            "Run tests/resilience (the contract tests) on it, adapt the hooks, then add the "
            "release to REFLEX_RELEASES in app/resilience/__init__.py."
        )


def install(app: Any, notice_state_name: str) -> None:
    """Apply the three to a constructed ``rx.App`` (state manager and namespace exist);
    ``notice_state_name``: the full name of the state whose ``service_notice`` the page reads
    (the app passes it in: nothing here imports a state)."""
    check_reflex_version()
    from app.resilience import disk, locks, notice, tokens  # their Reflex internals, on use

    notice.install(notice_state_name)
    namespace = getattr(app, "_event_namespace", None)
    if namespace is not None:
        if tokens.install(namespace):
            locks.install(app, lambda: namespace._token_manager.instance_id)
        notice.clear_with_next_update(namespace)
        notice.watch_slow_events(namespace)
    disk.install(app)
