"""Event handlers whose work waits on the database, run off the worker's event loop.

Reflex calls a synchronous event handler on the worker's event loop: while it waits for
PostgreSQL (a network round trip, a commit's disk flush) every other tab on that worker
waits too. ``in_thread`` turns a synchronous handler into an async one that runs the same
body in a worker thread (``asyncio.to_thread``). The state is safe to touch there: Reflex
holds the tab's state lock for the whole handler, and nothing else uses this state instance
until it returns. Async handlers call ``off_loop(fn, ...)`` around their blocking parts.

Each such call runs inside ``app.db.one_session()``: all the store calls it makes share one
database session (one pool checkout, ping and rollback instead of one per store call).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from app.db import one_session

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")


def _in_one_session(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    with one_session():
        return fn(*args, **kwargs)


async def off_loop(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args, **kwargs)`` in a worker thread (context variables go along), its database
    work in one session."""
    return await asyncio.to_thread(_in_one_session, fn, *args, **kwargs)


def in_thread(
    fn: Callable[Concatenate[S, P], R],
) -> Callable[Concatenate[S, P], Coroutine[Any, Any, R]]:
    """Decorate a synchronous handler body (under ``@rx.event``) to run in a worker thread.

    The signature and annotations stay the handler's (``functools.wraps``), so Reflex still
    sees its arguments and their types."""

    @functools.wraps(fn)
    async def handler(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(_in_one_session, fn, self, *args, **kwargs)

    return handler
