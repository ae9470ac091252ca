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

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

_SHARED: ContextVar[Session | None] = ContextVar("yiwang_db_session", default=None)


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
    import reflex as rx

    with rx.session() as own:
        yield own


@contextmanager
def one_session(engine: Engine | None = None) -> Iterator[Session]:
    """Share one session among the :func:`session_scope` calls inside (nested: the outer one).
    ``engine``: rxconfig's ``db_url`` by default."""
    shared = _SHARED.get()
    if shared is not None:
        yield shared
        return
    if engine is None:
        from reflex.model import get_engine

        engine = get_engine()
    # expire_on_commit=False: what one store call returned stays readable after a later
    # call's commit, here and once the session is closed (as with a session per call)
    with Session(engine, expire_on_commit=False) as own:
        token = _SHARED.set(own)
        try:
            yield own
        finally:
            _SHARED.reset(token)
