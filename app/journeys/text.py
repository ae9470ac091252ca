"""The server-side text and formatting the journeys use, behind one import.

The journeys' sentences are message ids looked up in every shipped locale (``st``), their
dates and amounts formatted by Babel. They come from the component library's server helpers
today; when those move into the app, this module's imports are the only lines to change.
"""

from __future__ import annotations

from components.format import local_date, local_datetime, local_fee, local_time_limit
from components.i18n import N_, snt, st, stext

__all__ = [
    "N_",
    "local_date",
    "local_datetime",
    "local_fee",
    "local_time_limit",
    "snt",
    "st",
    "stext",
]
