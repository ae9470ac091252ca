"""The server-side text of the journeys, imported from one place: ``t`` (a source text in
every shipped locale), catalogue-text helpers and the local formats of amounts and time limits.

They live in ``components.i18n`` and ``components.format`` today, which also build the
page-side Vars (and so load Reflex); when server text moves into the app, this module is the
one import of the journeys to change.
"""

from __future__ import annotations

from components.format import local_fee, local_time_limit
from components.i18n import SOURCE_LOCALE, has_han, is_local, pick, source_text, stext
from components.i18n import st as t

__all__ = [
    "SOURCE_LOCALE",
    "has_han",
    "is_local",
    "local_fee",
    "local_time_limit",
    "pick",
    "source_text",
    "stext",
    "t",
]
