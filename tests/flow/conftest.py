from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.catalogue.db import upgrade


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    """A fresh SQLite database migrated by Alembic (the flow tables included)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'flow.db'}")
    upgrade(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def flow_db(db: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Session:
    """Route the flow's own sessions (each module's ``session_scope()``) to the test database, and
    its private files to a temporary folder."""
    from contextlib import contextmanager

    engine = db.get_bind()

    @contextmanager
    def scope(session: Session | None = None):
        if session is not None:
            yield session
            return
        with Session(engine) as own:
            yield own

    from app.flow import checkout, delivery, leases
    from app.flow.files import storage
    from app.flow.payment import orders, sending
    from app.flow.store import applications, drafts, evaluations, outbox, sessions

    # every flow module with its own ``session_scope`` (from app.db) uses the test database
    modules = (applications, drafts, evaluations, outbox, sessions, storage)
    for module in (*modules, checkout, delivery, leases, orders, sending):
        monkeypatch.setattr(module, "session_scope", scope)
    monkeypatch.setenv("YIWANG_FILES_DIR", str(tmp_path / "files"))
    return db
