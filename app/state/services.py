"""State of the 办事 page: themes and departments per audience; adapts its load to
``app.journeys.catalogue.services``."""

from __future__ import annotations

import reflex as rx

from app.journeys import catalogue
from app.offloop import in_thread
from app.state.context import context_of


class ServicesState(rx.State):
    themes: list[dict[str, str]] = []
    departments: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @in_thread  # catalogue reads: off the event loop (app/offloop.py)
    def load(self) -> None:
        found = catalogue.services(context_of(self))
        self.themes, self.departments = list(found.themes), list(found.departments)
        self.loaded = True
