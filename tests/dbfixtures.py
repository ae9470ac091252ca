"""The database fixtures of the flow's, the journeys' and the security tests: a fresh database
migrated by Alembic, and every store's ``session_scope()`` on it (``app.db.use_engine``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.catalogue.db import upgrade
from app.db import use_engine
from app.ingest import ensure_loaded


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    """A fresh SQLite database migrated by Alembic (the flow tables included)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'flow.db'}")
    upgrade(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def flow_db(db: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Session]:
    """Every store's own sessions on the test database, the private files in a temporary
    folder."""
    engine = db.get_bind()
    assert isinstance(engine, sa.Engine)
    monkeypatch.setenv("YIWANG_FILES_DIR", str(tmp_path / "files"))
    with use_engine(engine):
        yield db


@pytest.fixture
def province_catalogue(flow_db: Session) -> Session:
    """The test database with the default province's catalogue loaded (its item codes and
    forms resolve, as on a served instance)."""
    engine = flow_db.get_bind()
    assert isinstance(engine, sa.Engine)
    ensure_loaded(engine, ["shandong"])
    return flow_db
