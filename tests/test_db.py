"""app.db: one session per handler when asked (shared by every store call inside), else one per
call; what a call returned stays readable after a later commit and after the session closes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlmodel import Session, select

from app.db import one_session, session_scope


class Base(DeclarativeBase):  # not the app's metadata: the migrations test compares that one
    pass


class Note(Base):
    __tablename__ = "test_db_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


def make_engine(tmp_path: Path, *notes: str) -> sa.Engine:
    """A fresh SQLite database with the notes ``notes`` in it."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(Note(text=text) for text in notes)
        s.commit()
    return engine


def test_calls_inside_one_session_share_it_and_outside_do_not(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    checkouts: list[object] = []
    sa.event.listen(engine, "checkout", lambda *args: checkouts.append(args[0]))

    def three_store_calls() -> list[Session]:
        used = []
        for _ in range(3):
            with session_scope() as s:
                s.exec(select(Note)).all()
                used.append(s)
        return used

    with one_session(engine) as shared:
        assert three_store_calls() == [shared] * 3
        with one_session(engine) as nested:
            assert nested is shared  # the outer one stays in force
    assert len(checkouts) == 1  # one pool checkout (and ping) for the three reads
    with session_scope() as a, session_scope() as b:
        assert a is not b  # outside: a session per call
    with one_session(engine):
        with session_scope() as s:
            s.add(Note(text="x"))
            s.commit()  # the commit ends the transaction and gives the connection back
        with session_scope() as s:
            assert s.exec(select(Note)).one().text == "x"
    assert len(checkouts) == 3
    given = Session(engine)
    with session_scope(given) as s:
        assert s is given  # an explicit session always wins
    given.close()


def test_rows_stay_readable_after_a_later_commit_and_after_close(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, "first")
    with one_session(engine):
        with session_scope() as s:
            loaded = s.exec(select(Note)).one()
        with session_scope() as s:  # another store call commits
            s.add(Note(text="second"))
            s.commit()
    assert loaded.text == "first"  # not expired by the commit, not detached-unloadable


def test_populate_existing_sees_a_change_made_elsewhere_meanwhile(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, "before")
    with one_session(engine):
        with session_scope() as s:
            assert s.exec(select(Note)).one().text == "before"
        with Session(engine) as other:  # another process (the upload route) writes
            other.exec(select(Note)).one().text = "after"
            other.commit()
        with session_scope() as s:
            fresh = s.exec(select(Note).execution_options(populate_existing=True)).one()
            assert fresh.text == "after"


def test_reflex_sees_every_table_once_without_a_warning() -> None:
    """Reflex's `reflex db` commands and its start-up schema check read ModelRegistry's
    metadata. Our tables are in SQLModel.metadata, which Reflex reaches through the rx.Model it
    registers; registering a table class too would make it merge the tables model by model and
    warn "Table ... already exists" (warnings are errors here)."""
    import warnings

    import sqlmodel
    from reflex.model import ModelRegistry

    import app.catalogue.tables
    import app.flow.tables
    import app.search.tables  # noqa: F401

    ModelRegistry._metadata = None  # computed afresh, as in a new process
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metadata = ModelRegistry.get_metadata()
    assert metadata is sqlmodel.SQLModel.metadata
    assert {"catalogue_item", "flow_application", "flow_file", "search_doc"} <= set(metadata.tables)


def test_the_stores_reach_the_database_without_reflex(tmp_path) -> None:
    """app.db builds its engine itself (the pool Reflex would build, from the same settings):
    a store call in a process that never starts the app does not load Reflex."""
    code = (
        "import sys\n"
        "from sqlalchemy import text\n"
        "from app.db import get_engine, session_scope\n"
        "with session_scope() as s:\n"
        "    assert s.exec(text('select 1')).one()[0] == 1\n"
        f"assert str(get_engine().url).endswith({str(tmp_path / 'x.db')!r})\n"
        "assert 'reflex' not in sys.modules, 'reflex was loaded'\n"
    )
    env = {**os.environ, "REFLEX_DB_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_use_engine_puts_every_store_on_one_database(tmp_path) -> None:
    import sqlalchemy as sa

    from app.db import get_engine, session_scope, use_engine

    other = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with use_engine(other):
        assert get_engine() is other
        with session_scope() as s:
            assert s.get_bind() is other
    assert get_engine() is not other
    other.dispose()
