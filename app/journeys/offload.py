"""How an async journey runs its blocking parts (database work) off the event loop.

A journey that also waits on an outside system (an e-licence lookup, the cashier, the back
office) is ``async``; its database work must not run on the worker's event loop. The caller
passes the runner: ``app.offloop.off_loop`` from a state (a worker thread, one database
session per call), ``asyncio.to_thread`` from a test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Offload(Protocol):
    def __call__(
        self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[R]: ...
