"""The page says so when the server cannot process an action, or is slow to.

Reflex 0.10 hands an exception raised while processing an event to the app's
``backend_exception_handler``; its default answers with an English toast, which this app does
not render (``toaster=None``: the sonner overlay costs every page). During a Redis outage every
event fails that way (the state cannot be loaded or locked), during a PostgreSQL outage every
event that reads the database: the page got no answer at all and looked frozen (``make
faults``: 50 of 50 background citizens). An event can also simply take long (a lock left by a
killed worker, an overloaded machine): the page showed nothing either.

``NoticeState.service_notice`` drives the translated banner of ``components.connection_status``:

- ``"failed"``: :func:`backend_exception_handler` logs the exception as Reflex does and tells
  the page its action was not completed ("服务暂时繁忙，您的操作没有完成…");
- ``"slow"``: :func:`watch_slow_events` tells the page when an action it sent is still not
  processed after :data:`SLOW_S` seconds ("服务器响应较慢，正在处理您的操作…"), and takes the
  notice away when it is.

The notice goes to the page as a state delta straight to its socket, not through the state
manager, so it works while the state manager cannot (its stored value stays ``""``).
:func:`clear_with_next_update` makes the next update that carries a delta to that tab clear it
too (the service answers again); a reconnect's full state clears it as well.
"""

import asyncio
import dataclasses
import logging
import traceback
from collections.abc import Coroutine
from typing import Any

from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event.context import EventContext

logger = logging.getLogger(__name__)

#: an action not processed after this long gets the "slow" notice
SLOW_S = 4.0
FAILED, SLOW = "failed", "slow"

#: tabs (tokens) of this worker whose page shows a notice, and which
SHOWN: dict[str, str] = {}
#: per tab, how many of its actions are past SLOW_S and not processed yet
_SLOW_PENDING: dict[str, int] = {}
_TASKS: set[asyncio.Task] = set()


#: the full name of the state whose ``service_notice`` var the page reads: set at start-up by
#: the app (``install``), which sits above the states; this hook never imports one
_NOTICE_STATE: list[str] = []
NOTICE_VAR = "service_notice"


def install(notice_state_name: str) -> None:
    """Name the state (``NoticeState.get_full_name()``) whose ``service_notice`` the page reads."""
    _NOTICE_STATE[:] = [notice_state_name]


def _key() -> tuple[str, str]:
    if not _NOTICE_STATE:
        raise RuntimeError(
            "app.resilience.notice: no notice state installed (app/app.py names it first)"
        )
    return _NOTICE_STATE[0], NOTICE_VAR + FIELD_MARKER


def notice_delta(kind: str) -> dict[str, dict[str, Any]]:
    state, var = _key()
    return {state: {var: kind}}


def _spawn(coro: Coroutine[Any, Any, None]) -> None:
    task = asyncio.get_running_loop().create_task(coro)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


def backend_exception_handler(exception: Exception) -> None:
    """Log the exception; show the "failed" notice on the page of the event that raised it."""
    logger.error(
        "[Yiwang backend exception]\n%s",
        "".join(traceback.format_exception(type(exception), exception, exception.__traceback__)),
    )
    try:
        ctx = EventContext.get()
    except LookupError:
        return None
    if not ctx.token:
        return None

    async def show() -> None:
        SHOWN[ctx.token] = FAILED
        try:
            await ctx.emit_delta(notice_delta(FAILED))
        except Exception:  # the socket is gone: the reconnect's hydrate is the answer
            SHOWN.pop(ctx.token, None)
            logger.debug("could not show the service notice to %s", ctx.token)

    _spawn(show())
    return None


def clear_with_next_update(event_namespace: Any) -> None:
    """The next update with a delta to a tab that shows a notice also clears it."""
    original = event_namespace.emit_update
    if getattr(original, "_yiwang_clears_notice", False):
        return
    state, var = _key()

    async def emit_update(update: Any, token: str) -> None:
        if token in SHOWN and update.delta:
            carried = update.delta.get(state, {})
            if var in carried:
                if not carried[var]:
                    SHOWN.pop(token, None)  # a hydrate's full state: already cleared
            elif not _SLOW_PENDING.get(token):
                SHOWN.pop(token, None)
                delta = {**update.delta, state: {**carried, var: ""}}
                update = dataclasses.replace(update, delta=delta)
        await original(update=update, token=token)

    emit_update._yiwang_clears_notice = True  # type: ignore[attr-defined]
    event_namespace.emit_update = emit_update


def watch_slow_events(event_namespace: Any) -> None:
    """Every action a page sends gets the "slow" notice if it is not processed in SLOW_S.

    Wraps the event processor's ``enqueue`` (created per worker when it starts) the first time
    the namespace receives an event: events from a socket are enqueued without a parent
    context, and the future returned is done when the event is processed."""
    original_on_event = event_namespace.on_event
    if getattr(original_on_event, "_yiwang_watches", False):
        return

    async def on_event(sid: str, data: Any) -> None:
        processor = getattr(event_namespace.app, "_event_processor", None)
        if processor is not None and not getattr(processor.enqueue, "_yiwang_watches", False):
            _watch_processor(event_namespace, processor)
        await original_on_event(sid, data)

    on_event._yiwang_watches = True  # type: ignore[attr-defined]
    event_namespace.on_event = on_event


def _watch_processor(event_namespace: Any, processor: Any) -> None:
    original = processor.enqueue

    async def enqueue(token: str, event: Any, ev_ctx: Any = None) -> Any:
        future = await original(token, event, ev_ctx)
        if ev_ctx is None and token and not future.done():
            _watch(event_namespace, token, future)
        return future

    enqueue._yiwang_watches = True  # type: ignore[attr-defined]
    processor.enqueue = enqueue


def _watch(event_namespace: Any, token: str, future: asyncio.Future) -> None:
    slow = False

    async def send(kind: str) -> None:
        from reflex.state import StateUpdate

        try:
            await event_namespace.emit_update(StateUpdate(delta=notice_delta(kind)), token)
        except Exception:
            logger.debug("could not send the %r notice to %s", kind, token)

    def fire() -> None:
        nonlocal slow
        if future.done():
            return
        slow = True
        _SLOW_PENDING[token] = _SLOW_PENDING.get(token, 0) + 1
        # about the action now waiting: it replaces a "failed" left by an earlier one
        if SHOWN.get(token) != SLOW:
            SHOWN[token] = SLOW
            _spawn(send(SLOW))

    handle = asyncio.get_running_loop().call_later(SLOW_S, fire)

    def done(_: asyncio.Future) -> None:
        handle.cancel()
        if not slow:
            return
        left = _SLOW_PENDING.get(token, 1) - 1
        if left > 0:
            _SLOW_PENDING[token] = left
            return
        _SLOW_PENDING.pop(token, None)
        if SHOWN.get(token) == SLOW:  # a "failed" notice stays until the next answer
            SHOWN.pop(token, None)
            _spawn(send(""))

    future.add_done_callback(done)
