"""Engine and schema helpers: Reflex's engine from rxconfig, Alembic for the schema."""

from __future__ import annotations

from pathlib import Path

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
