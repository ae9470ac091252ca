"""The page says so when the server cannot process an action (Redis or PostgreSQL away).

Reflex 0.10 hands an exception raised while processing an event to the app's
``backend_exception_handler``; its default answers with an English toast, which this app does
not render (``toaster=None``: the sonner overlay costs every page). During a Redis outage every
event fails that way (the state cannot be loaded or locked), during a PostgreSQL outage every
event that reads the database: the page got no answer at all and looked frozen (``make
faults``: 50 of 50 background citizens).

:func:`backend_exception_handler` logs the exception as Reflex does and sends the page a state
delta that sets ``NoticeState.service_trouble``: the translated banner of
``components.connection_status`` ("服务暂时繁忙，您的操作没有完成…"). The delta goes straight to
the socket, not through the state manager, so it works while the state manager cannot.
:func:`clear_with_next_update` wraps the event namespace's ``emit_update`` so that the next
update carrying a delta to that tab also clears the notice (the service answers again); a
reconnect's full state clears it too.
"""

import asyncio
import dataclasses
import logging
import traceback
from typing import Any

from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event.context import EventContext

logger = logging.getLogger(__name__)

#: tabs (tokens) of this worker whose page shows the notice
NOTICED: set[str] = set()
_PENDING: set[asyncio.Task] = set()


def _key() -> tuple[str, str]:
    from app.state.notice import NoticeState

    return NoticeState.get_full_name(), "service_trouble" + FIELD_MARKER


def notice_delta(shown: bool) -> dict[str, dict[str, Any]]:
    state, var = _key()
    return {state: {var: shown}}


def backend_exception_handler(exception: Exception) -> None:
    """Log the exception; show the service notice on the page of the event that raised it."""
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
        NOTICED.add(ctx.token)
        try:
            await ctx.emit_delta(notice_delta(True))
        except Exception:  # the socket is gone: the reconnect's hydrate is the answer
            NOTICED.discard(ctx.token)
            logger.debug("could not show the service notice to %s", ctx.token)

    task = asyncio.get_running_loop().create_task(show())
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)
    return None


def clear_with_next_update(event_namespace: Any) -> None:
    """The next update with a delta to a tab that shows the notice also clears it."""
    original = event_namespace.emit_update
    if getattr(original, "_yiwang_clears_notice", False):
        return
    state, var = _key()

    async def emit_update(update: Any, token: str) -> None:
        if token in NOTICED and update.delta:
            carried = update.delta.get(state, {})
            if var in carried:
                if not carried[var]:
                    NOTICED.discard(token)  # a hydrate's full state: already cleared
            else:
                NOTICED.discard(token)
                delta = {**update.delta, state: {**carried, var: False}}
                update = dataclasses.replace(update, delta=delta)
        await original(update=update, token=token)

    emit_update._yiwang_clears_notice = True  # type: ignore[attr-defined]
    event_namespace.emit_update = emit_update
