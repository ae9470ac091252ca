"""No client token in a log line: Reflex's own messages name tokens (a token plus the tab's
state is what a reconnect needs), and exceptions carry event data.

:func:`install` sets a log-record factory for the whole process: every record's message (and
its exception text, formatted once) has UUIDs — Reflex's client tokens — replaced by
``<token>``, and ``yw_sid=…`` values by ``yw_sid=<secret>``.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_COOKIE = re.compile(r"(yw_sid=)[^;\s'\"]+")


def redact(text: str) -> str:
    return _COOKIE.sub(r"\1<secret>", _UUID.sub("<token>", text))


def install() -> None:
    original = logging.getLogRecordFactory()
    if getattr(original, "_yiwang_redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler to report
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = redact(text).rstrip("\n")
        return record

    factory._yiwang_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
