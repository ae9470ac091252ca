"""The flow's rules, each defined once: the idempotency key, statuses and the moves between
them, final statuses, evaluation (好差评) levels, working days and session timings.

Plain Python with no imports from the rest of the app, below both the flow and the adapters:
the flow's store and wizard, the back-office client and its sandbox, the states and the pages
all read these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum

# -- the idempotency key of a submission -------------------------------------------------------
KEY_MIN, KEY_MAX = 16, 64
KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def valid_idempotency_key(key: object) -> bool:
    """16 to 64 ASCII letters, digits, ``-`` or ``_`` (the browser makes one per draft)."""
    return isinstance(key, str) and KEY_MIN <= len(key) <= KEY_MAX and not set(key) - KEY_CHARS


# -- statuses of an application ----------------------------------------------------------------
class Status(StrEnum):
    """Where an application (办件) stands; stored as the English value."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REVIEWING = "reviewing"
    COMPLETED = "completed"
    RETURNED = "returned"
    REJECTED = "rejected"


STATUSES: tuple[Status, ...] = tuple(Status)
#: which status may follow which (``returned`` goes back to ``submitted`` only through a
#: correction from the citizen); keyed by str so a stored status looks itself up
MOVES: Mapping[str, tuple[Status, ...]] = {
    Status.SUBMITTED: (Status.ACCEPTED, Status.RETURNED, Status.REJECTED),
    Status.ACCEPTED: (Status.REVIEWING, Status.RETURNED, Status.REJECTED),
    Status.REVIEWING: (Status.COMPLETED, Status.RETURNED, Status.REJECTED),
    Status.RETURNED: (Status.SUBMITTED,),
    Status.COMPLETED: (),
    Status.REJECTED: (),
}
#: finished: nothing more happens, the promise clock stops and the citizen may evaluate
FINAL_STATUSES: tuple[Status, ...] = (Status.COMPLETED, Status.REJECTED)


class Milestone(StrEnum):
    """What else an application's timeline records besides its statuses: the payment
    (``paid`` … ``refunded``) and the delivery of the result (``shipped``, then the courier's
    tracked statuses ``collected`` … ``signed``)."""

    PAID = "paid"
    REFUNDING = "refunding"
    REFUNDED = "refunded"
    SHIPPED = "shipped"
    COLLECTED = "collected"
    IN_TRANSIT = "in_transit"
    DELIVERING = "delivering"
    SIGNED = "signed"


#: the kind of one row of an application's timeline (``ApplicationEvent.status``)
TimelineKind = Status | Milestone


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


# -- evaluation (好差评) -------------------------------------------------------------------------
LEVELS = (1, 2, 3, 4, 5)  # 非常不满意 … 非常满意
#: the two lowest levels need a reason and are followed up (回访整改)
LOW_LEVELS = (1, 2)


def needs_reason(level: int) -> bool:
    return level in LOW_LEVELS


def may_evaluate(status: str, already_evaluated: bool) -> bool:
    return is_final(status) and not already_evaluated


# -- working days ------------------------------------------------------------------------------
def add_working_days(start: date, days: int) -> date:
    """``days`` working days after ``start`` (weekends skipped; public holidays not modelled)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


# -- session and draft timings -----------------------------------------------------------------
IDLE_TIMEOUT = timedelta(minutes=15)
#: the idle warning shows this long before the idle timeout
IDLE_WARNING_BEFORE = timedelta(minutes=2)
IDLE_WARNING = IDLE_TIMEOUT - IDLE_WARNING_BEFORE
ABSOLUTE_LIFETIME = timedelta(hours=12)
DRAFT_RETENTION = timedelta(days=30)


def minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)
