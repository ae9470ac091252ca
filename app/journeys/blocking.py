"""How an async journey runs its blocking parts (database reads and writes).

A journey that waits on an outside system (the identity provider, the e-licence service, the
back office) is async; its database work is blocking. It runs that work through the
:class:`Blocking` runner it is given: the states pass ``app.offloop.off_loop`` (a worker
thread, one database session), the tests and the command lines the default :func:`inline`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Blocking(Protocol):
    def __call__(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Awaitable[R]:
        """Run ``fn(*args, **kwargs)`` and give its result."""
        ...


async def inline(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run it right here (tests, command lines: nothing else waits on this loop)."""
    return fn(*args, **kwargs)
