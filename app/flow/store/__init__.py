"""Persistence of the flow, one module per concern: ``sessions``, ``drafts``, ``applications``
(submission, progress, the back office's moves, correction), ``outbox`` (what the back office
must still hear) and ``evaluations`` (好差评). The statuses, moves, levels and timings they
enforce are defined once in ``app.domain.rules``.

Every function that reads or changes a citizen's data takes ``owner`` and filters on it, so a
guessed id from another citizen finds nothing (:class:`NotFound`), the same answer as an id
that does not exist. Every function takes an optional ``session`` (``app.db.session_scope``).
"""

from app.flow.store.base import NotFound, Refused, aware, now

__all__ = ["NotFound", "Refused", "aware", "now"]
