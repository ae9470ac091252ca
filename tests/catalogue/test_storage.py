from __future__ import annotations

import io

import sqlalchemy as sa
import sqlmodel
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.catalogue.progress import Progress
from app.search.tables import alembic_include_object


def test_migrations_match_the_tables(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": alembic_include_object})
        diff = compare_metadata(context, sqlmodel.SQLModel.metadata)
    assert diff == []


def test_progress_bar_draws_on_its_stream() -> None:
    out = io.StringIO()
    bar = Progress("loading", 200, enabled=True, stream=out, interval=0)
    bar.update(100)
    bar.update(200)
    bar.close()
    text = out.getvalue()
    assert "\rloading [###############...............]  50% 1 records" in text
    assert "100% 2 records" in text and text.endswith("\n")


def test_progress_bar_silent_when_disabled() -> None:
    out = io.StringIO()
    bar = Progress("loading", 10, enabled=False, stream=out, interval=0)
    bar.update(5)
    bar.close()
    assert out.getvalue() == ""


def test_migrations_form_one_line() -> None:
    """Branches that each add a revision on the same parent leave two heads, and
    ``upgrade head`` then fails on every fresh machine: the history must stay linear."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.catalogue.db import ALEMBIC_INI

    heads = ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_heads()
    assert len(heads) == 1, f"several Alembic heads {heads}: set one's down_revision to the other"
