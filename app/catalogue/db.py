"""Schema helpers: Alembic for the schema; the engine is ``app.db.get_engine`` (re-exported)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from app.db import get_engine

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = ROOT / "alembic.ini"

__all__ = ["ALEMBIC_INI", "get_engine", "upgrade"]


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations to ``engine``'s database."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite" and not _has_tables(connection):
            # a new database file: pages of 16 KiB rather than 4 KiB hold several items'
            # JSON each (one item took a page of its own), which makes a large catalogue's
            # file a third smaller and its load faster; only an empty database can change it
            connection.exec_driver_sql(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


SQLITE_PAGE_SIZE = 16384


def _has_tables(conn: sa.Connection) -> bool:
    return conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() != 0


def insert_rows(
    conn: sa.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert many rows of plain values (in ``columns`` order) as fast as the database takes
    them: ``COPY … FROM STDIN`` on PostgreSQL, one prepared statement run for every row
    (``executemany``) on SQLite. Inside the connection's transaction, like any statement;
    no per-row SQLAlchemy parameter handling (it cost as much as the insert itself)."""
    if conn.dialect.name == "postgresql":
        import psycopg
        from psycopg import sql

        dbapi = conn.connection.dbapi_connection
        assert isinstance(dbapi, psycopg.Connection)
        raw = cast("psycopg.Connection[Any]", dbapi)  # the protocol type hides its cursor's
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    names, marks = ", ".join(columns), ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def secondary_indexes(conn: sa.Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of a table's indexes that no constraint owns (not the primary
    key's, not a unique constraint's): the ones a bulk load may drop and build again."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = :t AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
                "ORDER BY i.indexname"
            ),
            {"t": table},
        )
    else:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            (table,),
        )
    return [(str(name), str(sql)) for name, sql in rows]


def foreign_keys(conn: sa.Connection, table: str) -> list[tuple[str, str]]:
    """(name, definition) of a table's foreign keys on PostgreSQL, the only database here
    that checks them (SQLite is not asked to: ``PRAGMA foreign_keys`` is off)."""
    if conn.dialect.name != "postgresql":
        return []
    rows = conn.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' ORDER BY conname"
        ),
        {"t": table},
    )
    return [(str(name), str(definition)) for name, definition in rows]


@contextmanager
def indexes_built_after(conn: sa.Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` and build them again when the block ends
    (a bulk load into empty tables: an index built once from all rows costs a fraction of
    one kept up to date row by row); on PostgreSQL their foreign keys too, added back and so
    checked once for all rows (a row-by-row check cost a look-up per row). Inside the
    caller's transaction: if the block raises, the transaction is rolled back, and the
    indexes and keys with it."""
    dropped = [index for table in tables for index in secondary_indexes(conn, table)]
    keys = [(table, key) for table in tables for key in foreign_keys(conn, table)]
    if dropped and conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            # Python's sqlite3 opens the transaction only before the first INSERT, UPDATE or
            # DELETE: a DROP INDEX before that would be committed at once, whatever follows
            conn.exec_driver_sql("BEGIN")
    for table, (name, _) in keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in dropped:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, create in dropped:
        conn.exec_driver_sql(create)
    for table, (name, definition) in keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
