"""Which Reflex releases the hooks of ``app.resilience`` were written for."""

from __future__ import annotations

from importlib.metadata import version

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
            "release to REFLEX_RELEASES in app/resilience/seam.py."
        )
