"""What every store module shares: its two errors and the clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


class NotFound(LookupError):
    """No such record for this owner. ``foreign``: the record exists but is another
    citizen's (the caller writes that attempt to the audit log; the citizen sees the same
    "not found" either way)."""

    def __init__(self, message: str, foreign: bool = False) -> None:
        super().__init__(message)
        self.foreign = foreign


class Refused(ValueError):
    """The request is understood but not allowed; the message says why."""


def rowcount(result: sa.CursorResult[Any]) -> int:
    """Rows an UPDATE or DELETE touched (its result is a cursor result)."""
    return int(result.rowcount or 0)


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
