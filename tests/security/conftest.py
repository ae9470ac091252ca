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
    """Route the flow's own sessions (each store module's and the files' ``session_scope()``)
    to the test database, and its private files to a temporary folder."""
    from contextlib import contextmanager

    from app.flow.files import storage
    from app.flow.store import applications, drafts, evaluations, outbox, sessions

    engine = db.get_bind()

    @contextmanager
    def scope(session: Session | None = None):
        if session is not None:
            yield session
            return
        with Session(engine) as own:
            yield own

    for module in (applications, drafts, evaluations, outbox, sessions, storage):
        monkeypatch.setattr(module, "session_scope", scope)
    monkeypatch.setenv("YIWANG_FILES_DIR", str(tmp_path / "files"))
    return db
