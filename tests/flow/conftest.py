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
