"""Engine and schema helpers: Reflex's engine from rxconfig, Alembic for the schema."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = ROOT / "alembic.ini"


def get_engine(url: str | None = None) -> sa.Engine:
    """Return the engine for ``url`` or rxconfig's ``db_url`` (``REFLEX_DB_URL``)."""
    from reflex.model import get_engine as reflex_engine

    return reflex_engine(url)


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations to ``engine``'s database."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


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


@contextmanager
def indexes_built_after(conn: sa.Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` and build them again when the block ends
    (a bulk load into empty tables: an index built once from all rows costs a fraction of
    one kept up to date row by row). Inside the caller's transaction: if the block raises,
    the transaction is rolled back, and the indexes with it."""
    dropped = [index for table in tables for index in secondary_indexes(conn, table)]
    if dropped and conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            # Python's sqlite3 opens the transaction only before the first INSERT, UPDATE or
            # DELETE: a DROP INDEX before that would be committed at once, whatever follows
            conn.exec_driver_sql("BEGIN")
    for name, _ in dropped:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, create in dropped:
        conn.exec_driver_sql(create)
