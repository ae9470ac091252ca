"""The database helpers: a new SQLite database's page size."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa


def test_a_new_sqlite_database_gets_large_pages_and_an_old_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    import sqlite3

    from app.catalogue.db import SQLITE_PAGE_SIZE, upgrade

    new = sa.create_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(new)
    with new.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == SQLITE_PAGE_SIZE
    new.dispose()
    with sqlite3.connect(tmp_path / "old.db") as raw:  # a database made before, 4 KiB pages
        raw.execute("CREATE TABLE kept (x)")
    old = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(old)
    with old.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 4096
        assert conn.exec_driver_sql("SELECT count(*) FROM catalogue_item").scalar() == 0
    old.dispose()
