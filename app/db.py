"""Database sessions: one per call by default, one per event handler when the handler asks.

Every store function takes an optional ``session`` and otherwise opens its own through
:func:`session_scope`. An event handler of the flow calls several of them (the session check,
the draft, the citizen's files, the save), and each session of its own costs a pool checkout,
a liveness ping and a closing rollback: with PostgreSQL, pool checkouts and closing rollbacks
were about a tenth of a worker's py-spy samples under flow load. :func:`one_session` makes every :func:`session_scope` inside it
(on this thread or task: a context variable) share one session, so a handler pays that once
per transaction (a commit gives the connection back) instead of once per store call.
``app.offloop`` wraps every handler body it runs in a thread in one.

Inside :func:`one_session`, commits stay where the store functions make them: a draft saved
is committed before the handler goes on, exactly as without it. Rows already loaded in the
session are not reloaded by a later query; a read that must see another process's change made
meanwhile (the draft, which the upload route writes) asks for ``populate_existing``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
#: the embedded default: SQLite in the checkout (``REFLEX_DB_URL`` switches to PostgreSQL);
#: rxconfig.py gives Reflex the same URL
DEFAULT_DB_URL = f"sqlite:///{ROOT / 'yiwang.db'}"

_SHARED: ContextVar[Session | None] = ContextVar("yiwang_db_session", default=None)
_ENGINES: dict[str, Engine] = {}
_OVERRIDE: list[Engine] = []


def database_url() -> str:
    """The database of this instance: ``REFLEX_DB_URL``, else the embedded SQLite file."""
    return os.environ.get("REFLEX_DB_URL") or DEFAULT_DB_URL


def _engine_args(url: str) -> dict[str, Any]:
    """The pool Reflex 0.10 would build (``reflex.model.get_engine_args``), from the same
    ``SQLALCHEMY_*`` variables and defaults, without loading Reflex."""

    def number(name: str, default: int) -> int:
        raw = os.environ.get(name, "").strip()
        try:
            return int(raw) if raw else default
        except ValueError:
            raise ValueError(f"{name}={raw!r} is not a whole number") from None

    args: dict[str, Any] = {
        "echo": os.environ.get("SQLALCHEMY_ECHO", "").lower() in {"1", "true", "yes"},
        "pool_pre_ping": os.environ.get("SQLALCHEMY_POOL_PRE_PING", "true").lower()
        not in {"0", "false", "no"},
    }
    if url.startswith("sqlite"):
        # one file, used from the event loop's worker threads
        args["connect_args"] = {"check_same_thread": False}
    else:
        args |= {
            "pool_size": number("SQLALCHEMY_POOL_SIZE", 5),
            "max_overflow": number("SQLALCHEMY_MAX_OVERFLOW", 10),
            "pool_recycle": number("SQLALCHEMY_POOL_RECYCLE", -1),
            "pool_timeout": number("SQLALCHEMY_POOL_TIMEOUT", 30),
        }
    return args


def get_engine(url: str | None = None) -> Engine:
    """The engine of ``url`` (default :func:`database_url`; one per URL per process), or the
    engine a test put in force with :func:`use_engine`."""
    if url is None and _OVERRIDE:
        return _OVERRIDE[-1]
    url = url or database_url()
    found = _ENGINES.get(url)
    if found is None:
        found = _ENGINES[url] = sa.create_engine(url, **_engine_args(url))
    return found


@contextmanager
def use_engine(bound: Engine) -> Iterator[Engine]:
    """Every :func:`session_scope` and :func:`one_session` without an explicit engine uses
    ``bound`` inside (tests: a throwaway database for every store at once)."""
    _OVERRIDE.append(bound)
    try:
        yield bound
    finally:
        _OVERRIDE.remove(bound)


@contextmanager
def session_scope(session: Session | None = None) -> Iterator[Session]:
    """``session`` if given, else the :func:`one_session` in force, else a new one."""
    if session is not None:
        yield session
        return
    shared = _SHARED.get()
    if shared is not None:
        yield shared
        return
    with Session(get_engine()) as own:
        yield own


@contextmanager
def one_session(engine: Engine | None = None) -> Iterator[Session]:
    """Share one session among the :func:`session_scope` calls inside (nested: the outer one).
    ``engine``: this instance's database (:func:`get_engine`) by default."""
    shared = _SHARED.get()
    if shared is not None:
        yield shared
        return
    bound = engine if engine is not None else get_engine()
    # expire_on_commit=False: what one store call returned stays readable after a later
    # call's commit, here and once the session is closed (as with a session per call)
    with Session(bound, expire_on_commit=False) as own:
        token = _SHARED.set(own)
        try:
            yield own
        finally:
            _SHARED.reset(token)
