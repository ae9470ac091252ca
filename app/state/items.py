"""State of the item list (/items): one audience, by theme or department, a page at a time;
adapts its load to ``app.journeys.catalogue.items``."""

from __future__ import annotations

import math

import reflex as rx

from app.journeys import catalogue
from app.journeys.catalogue import PER_PAGE, ItemSummary
from app.offloop import in_thread
from app.state.context import context_of


class ItemsState(rx.State):
    audience: str = ""
    theme: str = ""
    department: str = ""
    page: int = 1
    total: int = 0
    items: list[ItemSummary] = []
    loaded: bool = False

    @rx.event
    @in_thread  # catalogue reads: off the event loop (app/offloop.py)
    def load(self) -> None:
        params = dict(self.router.url.query_parameters)
        found = catalogue.items(context_of(self), params)
        self.audience, self.theme, self.department = found.audience, found.theme, found.department
        self.page, self.total, self.items = found.page, found.total, list(found.items)
        self.loaded = True

    @rx.var
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))

    @rx.var
    def title(self) -> str:
        return self.theme or self.department or self.audience

    def _href(self, page: int) -> str:
        return catalogue.items_href(self.audience, self.theme, self.department, page)

    @rx.var
    def previous_href(self) -> str:
        return self._href(self.page - 1) if self.page > 1 else ""

    @rx.var
    def next_href(self) -> str:
        return self._href(self.page + 1) if self.page < self.pages else ""
