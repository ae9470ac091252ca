from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.catalogue.db import upgrade


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """A real SQLite database in tmp_path, migrated by Alembic."""
    eng = sa.create_engine(f"sqlite:///{tmp_path / 'test.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, items: Any) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        return path

    return write


def snapshot(engine: sa.Engine) -> list[tuple[Any, ...]]:
    """Every row of the catalogue tables, to prove a failed load changed nothing."""
    with engine.connect() as conn:
        items = conn.execute(
            sa.text("SELECT implementation_code, content_hash FROM catalogue_item ORDER BY 1")
        ).all()
        themes = conn.execute(sa.text("SELECT * FROM catalogue_item_theme ORDER BY 1, 2")).all()
    return [tuple(r) for r in items] + [tuple(r) for r in themes]
