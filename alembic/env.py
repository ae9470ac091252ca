"""Alembic environment for Yiwang.

Targets ``sqlmodel.SQLModel.metadata`` (the metadata Reflex's ``reflex db makemigrations``
also uses). The database URL comes from, in order: a connection handed in by the caller
(``config.attributes["connection"]``, as ``python -m app.catalogue migrate`` does), the
``sqlalchemy.url`` option, then ``db_url`` of rxconfig.py (``REFLEX_DB_URL``).
"""

from logging.config import fileConfig

import sqlmodel
from alembic import context
from sqlalchemy import create_engine, pool

import app.catalogue.tables  # noqa: F401  (registers the catalogue tables)
import app.flow.tables  # noqa: F401  (registers the flow tables)
import app.search.tables  # noqa: F401  (registers the search tables)
from app.search.tables import alembic_include_object

config = context.config
target_metadata = sqlmodel.SQLModel.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from reflex_base.config import get_config

    db_url = get_config().db_url
    if not db_url:
        raise RuntimeError("no database URL: set db_url in rxconfig.py or REFLEX_DB_URL")
    return db_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
        include_object=alembic_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=alembic_include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=alembic_include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
