"""State of the 搜索 page: query, filters, results with highlighted matches, suggestions.

It adapts events to ``app/journeys/search.py``; the recent searches stay in the browser
(local storage).
"""

from __future__ import annotations

import json

import reflex as rx

from app.journeys import search as journey
from app.journeys.search import AUDIENCE_FILTERS, wants_elder_mode
from app.state.context import context_of

__all__ = ["AUDIENCE_FILTERS", "RECENT_MAX", "SearchState", "wants_elder_mode"]

RECENT_MAX = 8


class SearchState(rx.State):
    query: str = ""
    typed: str = ""
    audience: str = ""
    online: bool = False
    results: list[dict] = []
    spelled: list[dict[str, str]] = []  # suggestions when nothing was found
    suggestions: list[dict[str, str]] = []
    active: int = -1
    expanded: bool = False
    searched: bool = False
    recent_json: str = rx.LocalStorage("[]", name="yw_recent_searches")

    @rx.var
    def elder_query(self) -> bool:
        return wants_elder_mode(self.query)

    @rx.event
    async def load(self) -> None:
        params = self.router.url.query_parameters
        self.query = str(params.get("q", "")).strip()[: journey.MAX_QUERY]
        self.audience = journey.audience_filter(params.get("audience", ""))
        self.online = str(params.get("online", "")) == "1"
        self.typed = self.query
        self.expanded = False
        await self._search()

    async def _search(self) -> None:
        found = await journey.find(context_of(self), self.query, self.audience, self.online)
        self.searched = found.searched
        self.results, self.spelled = list(found.results), list(found.spelled)
        if found.searched:
            recent = journey.remember(self.recent, found.query, RECENT_MAX)
            self.recent_json = json.dumps(recent, ensure_ascii=False)

    @rx.event
    async def type(self, value: str) -> None:
        self.typed = value[: journey.MAX_QUERY]
        ctx = context_of(self)
        found = await journey.suggest(ctx, self.typed, self.audience, self.online)
        # the name in every locale the catalogue translates (the box shows it per locale)
        self.suggestions = list(found)
        self.active = -1
        self.expanded = bool(self.suggestions)

    @rx.event
    def key(self, key: str):
        n = len(self.suggestions)
        if key == "Escape":
            self.expanded = False
            self.active = -1
        elif key == "ArrowDown" and n:
            self.expanded = True
            self.active = (self.active + 1) % n
        elif key == "ArrowUp" and n:
            self.expanded = True
            self.active = (self.active - 1) % n if self.active >= 0 else n - 1
        elif key == "Enter" and self.expanded and 0 <= self.active < n:
            href = self.suggestions[self.active]["href"]
            self.expanded = False
            return rx.redirect(href)
        return None

    @rx.event
    async def toggle_audience(self, audience: str) -> None:
        self.audience = "" if self.audience == audience else audience
        await self._search()

    @rx.event
    async def toggle_online(self) -> None:
        self.online = not self.online
        await self._search()

    @rx.event
    def clear_recent(self) -> None:
        self.recent_json = "[]"

    @rx.var
    def recent(self) -> list[str]:
        try:
            data = json.loads(self.recent_json or "[]")
        except ValueError:
            return []
        return [str(x)[:64] for x in data if isinstance(x, str)][:RECENT_MAX]

    @rx.var
    def active_id(self) -> str:
        return f"yw-search-box-opt-{self.active}" if self.active >= 0 else ""

    @rx.var
    def count(self) -> int:
        return len(self.results)
