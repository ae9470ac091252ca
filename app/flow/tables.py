"""SQLModel tables of the flow: sessions, drafts, applications, their events, evaluations, files.

Every row a citizen can reach carries its ``owner`` (the identity provider's ``sub``); every
query in ``app.flow.store`` filters on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.security.crypto import EncryptedJSON


def _encrypted() -> Any:
    """Personal data: a JSON value stored encrypted (``app.security.crypto``)."""
    return Field(sa_column=sa.Column(EncryptedJSON, nullable=False))


class FlowSession(SQLModel, table=True):
    """A signed-in session; the cookie holds a secret whose SHA-256 is the key."""

    __tablename__ = "flow_session"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id_hash: str = Field(primary_key=True, max_length=64)
    sub: str = Field(index=True, max_length=200)
    identity: dict[str, Any] = _encrypted()
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None
    #: the key is still the hash of the single-use login ticket (``store.open_handoff``)
    handoff: bool = False


class Draft(SQLModel, table=True):
    """One unfinished application per citizen and item (or bundle)."""

    __tablename__ = "flow_draft"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)
    __table_args__ = (sa.UniqueConstraint("owner", "item_code", name="uq_flow_draft_owner_item"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(index=True, max_length=200)
    item_code: str = Field(max_length=80)
    form_key: str = Field(max_length=40)
    item_name: str = Field(max_length=200)
    values: dict[str, Any] = _encrypted()
    step: int = 0
    created_at: datetime
    updated_at: datetime = Field(index=True)


class Application(SQLModel, table=True):
    """A submitted application (办件)."""

    __tablename__ = "flow_application"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=40)
    owner: str = Field(index=True, max_length=200)
    idempotency_key: str = Field(unique=True, max_length=64)
    item_code: str = Field(max_length=80)
    form_key: str = Field(max_length=40)
    item_name: str = Field(max_length=200)
    department: str = Field(max_length=200)
    values: dict[str, Any] = _encrypted()
    status: str = Field(max_length=20)
    promised_days: int = 0
    submitted_at: datetime
    updated_at: datetime
    #: What the back office has not been told yet: "submit", "correction" or "" (all sent).
    outbox: str = Field(default="submit", max_length=20, index=True)
    #: The ``seq`` of the last back-office change applied to this application.
    backoffice_seq: int = Field(default=0, index=True)


class ApplicationEvent(SQLModel, table=True):
    """A status change of an application, for its timeline."""

    __tablename__ = "flow_application_event"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="flow_application.id", index=True)
    status: str = Field(max_length=20)
    note: str = Field(default="", max_length=500)
    at: datetime


class Evaluation(SQLModel, table=True):
    """好差评: one per application, after completion."""

    __tablename__ = "flow_evaluation"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="flow_application.id", unique=True)
    owner: str = Field(index=True, max_length=200)
    level: int
    reason: str = Field(default="", max_length=500)
    follow_up: str = Field(default="", max_length=20)
    created_at: datetime


class StoredFile(SQLModel, table=True):
    """An uploaded material, stored privately under ``YIWANG_FILES_DIR``."""

    __tablename__ = "flow_file"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)

    id: str = Field(primary_key=True, max_length=32)
    owner: str = Field(index=True, max_length=200)
    name: str = Field(max_length=200)
    content_type: str = Field(max_length=60)
    size: int
    sha256: str = Field(max_length=64)
    scan: str = Field(default="clean", max_length=20)
    created_at: datetime = Field(index=True)
    #: the draft (item code) it was uploaded for; ``None`` for a correction (补正)
    item_code: str | None = Field(default=None, index=True, max_length=80)


# payment and delivery (issue 15): their tables live in their own module
from app.flow import checkout_tables as checkout_tables  # noqa: E402  (loaded for its tables)
