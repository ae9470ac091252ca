"""State of the item list (/items): one audience, by theme or department, a page at a time."""

from __future__ import annotations

import math

import reflex as rx

from app.catalogue.i18n import content_for
from app.catalogue.presenters import ItemSummary, item_summary
from app.catalogue.queries import list_items
from app.offloop import in_thread
from app.settings import theme_for_host

PER_PAGE = 10
AUDIENCES = ("个人", "法人")


def _page_number(raw: object) -> int:
    try:
        return max(1, min(int(str(raw)), 10_000))
    except ValueError:
        return 1


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
        params = self.router.url.query_parameters
        audience = str(params.get("audience", ""))
        self.audience = audience if audience in AUDIENCES else ""
        self.theme = str(params.get("theme", "")).strip()[:20]
        self.department = str(params.get("department", "")).strip()[:100]
        self.page = _page_number(params.get("page", 1))
        found, self.total = list_items(
            province=theme_for_host(self.router.headers.host).code,
            audience=self.audience or None,
            theme=self.theme or None,
            department=self.department or None,
            page=self.page,
            per_page=PER_PAGE,
        )
        content = content_for(theme_for_host(self.router.headers.host).folder)
        self.items = [item_summary(item, content) for item in found]
        self.loaded = True

    @rx.var
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))

    @rx.var
    def title(self) -> str:
        return self.theme or self.department or self.audience

    def _href(self, page: int) -> str:
        from urllib.parse import urlencode

        query = {"audience": self.audience, "theme": self.theme, "department": self.department}
        query = {k: v for k, v in query.items() if v}
        return f"/items?{urlencode({**query, 'page': page})}"

    @rx.var
    def previous_href(self) -> str:
        return self._href(self.page - 1) if self.page > 1 else ""

    @rx.var
    def next_href(self) -> str:
        return self._href(self.page + 1) if self.page < self.pages else ""
