"""Embedded mode: citizens' states on disk survive a restart of the app.

Reflex 0.10's ``reflex run`` empties the states directory (``.states``, or
``REFLEX_STATES_WORKDIR``) every time it starts (``reflex/reflex.py`` ``_run`` calls
``reflex.istate.manager.reset_disk_state_manager``), so a restart sent every open tab back to
defaults: what a citizen had typed, where they were in a form (``make faults``: restart-app,
0 of 60 witnesses kept their state). :func:`keep_states_across_restarts` (applied by
``scripts/reflex_run.py``, which ``scripts/run.sh`` starts) leaves the directory alone.

Safety: a state written by another build must never reach a handler. Reflex already drops a
stored substate whose frontend fields changed (``BaseState._deserialize`` checks a schema hash;
the disk manager then starts that substate fresh), but that hash leaves out backend vars
(``_values``...). :func:`drop_incompatible_states`, run when the app is built, therefore keeps a
fingerprint of the whole state tree (every state's full name and every field it owns, with its
type, plus the Reflex version) next to the states, and empties the directory when the running
build's fingerprint differs: a restart of the same build keeps every state, a release that
changes a state starts everyone fresh, as before.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)

FINGERPRINT_FILE = "yiwang-state-fingerprint"


def keep_states_across_restarts() -> None:
    """Make ``reflex run`` keep the states directory (call before Reflex's CLI runs)."""
    import reflex.istate.manager as manager

    def keep() -> None:
        logger.debug("Keeping the disk states across the restart (Yiwang).")

    keep.__doc__ = "Yiwang: states survive a restart; see app/resilience/disk.py."
    manager.reset_disk_state_manager = keep


def state_fingerprint() -> str:
    """A hash of the state tree's shape: what a stored state must match to be loaded."""
    from reflex.state import BaseState, State, _serialize_type
    from reflex_base.constants import Reflex

    lines = [f"reflex {Reflex.VERSION}"]
    pending: list[type[BaseState]] = [State]
    while pending:
        cls = pending.pop()
        fields = sorted(
            f"{name}:{_serialize_type(f.type_)}"
            for name, f in cls.__fields__.items()
            if getattr(f, "_owner", None) is cls
        )
        lines.append(f"{cls.get_full_name()} {' '.join(fields)}")
        pending.extend(cls.get_substates())
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def drop_incompatible_states(states_dir: Path, fingerprint: str) -> int:
    """Empty ``states_dir`` of stored states unless they were written by a build with this
    fingerprint; record the fingerprint. Returns how many state files were removed."""
    states_dir.mkdir(parents=True, exist_ok=True)
    stamp = states_dir / FINGERPRINT_FILE
    try:
        previous = stamp.read_text().strip()
    except OSError:
        previous = ""
    removed = 0
    if previous != fingerprint:
        for path in states_dir.glob("*.pkl"):
            path.unlink(missing_ok=True)
            removed += 1
        if removed:
            logger.warning(
                "Removed %d stored states of another build (state fields changed).", removed
            )
        stamp.write_text(fingerprint + "\n")
    return removed


#: how often the disk state manager may look for expired states (their expiry is an hour)
PURGE_EVERY_S = 60.0


def throttle_purge(manager: object, every_s: float = PURGE_EVERY_S) -> None:
    """Let ``manager`` scan its states directory for expired states at most every ``every_s``.

    Reflex 0.10's disk manager runs ``_purge_expired_states`` (a ``stat`` of every file in the
    directory: one per substate per tab) on every pass of its write queue, a few times a second
    under load. With a few thousand tabs that scan was most of the embedded worker's CPU (py-spy
    during ``make load``: 60 % of its samples with 6,000 state files), and it grows with every
    tab ever seen. States expire after an hour; a scan a minute finds them as well."""
    real = manager._purge_expired_states  # type: ignore[attr-defined]
    last = [float("-inf")]

    def purge() -> None:
        now = time.monotonic()
        if now - last[0] < every_s:
            return
        last[0] = now
        real()

    manager._purge_expired_states = purge  # type: ignore[attr-defined]


def install(app: object) -> bool:
    """For an app on the disk state manager: drop states of another build, scan for expired
    states once a minute. Returns whether the app uses the disk state manager."""
    from reflex.istate.manager.disk import StateManagerDisk

    manager = getattr(app, "_state_manager", None)
    if not isinstance(manager, StateManagerDisk):
        return False
    drop_incompatible_states(manager.states_directory, state_fingerprint())
    throttle_purge(manager)
    return True
