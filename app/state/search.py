"""State of the 搜索 page: query, filters, results with highlighted matches, suggestions."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from app.catalogue.i18n import content_for
from app.readcache import ReadCache

AUDIENCE_FILTERS = ("个人", "法人")
RECENT_MAX = 8


def _province(host: str) -> str:
    """The province of the request's host (several provinces may share a build)."""
    from app.settings import theme_for_host

    return theme_for_host(host).code


# Hot searches repeat across citizens: one answer per (province, query, filters) a minute.
RESULTS: ReadCache[list[dict]] = ReadCache()


def _key(host: str, query: str, audience: str, online: bool, limit: int) -> tuple:
    return (_province(host), query, audience, online, limit)


def _run(host: str, query: str, audience: str, online: bool, limit: int) -> list[dict]:
    key = _key(host, query, audience, online, limit)
    return RESULTS.get_or_compute(key, lambda: _search_now(*key))


async def _run_off_loop(
    host: str, query: str, audience: str, online: bool, limit: int
) -> list[dict]:
    """``_run`` for handlers: a cached answer at once, a new search in a worker thread (with
    PostgreSQL every query is a network round trip that would hold up every other tab on
    this worker)."""
    key = _key(host, query, audience, online, limit)
    return await RESULTS.get_or_compute_off_loop(key, lambda: _search_now(*key))


def _search_now(
    province: str | None, query: str, audience: str, online: bool, limit: int
) -> list[dict]:
    from app.catalogue.db import get_engine
    from app.search.index import Filters
    from app.search.present import entries, suggestions
    from app.search.service import lexicon_for, search

    filters = Filters(audience=audience or None, online=True if online else None)
    with get_engine().connect() as conn:
        result = search(conn, query, province=province, limit=limit, filters=filters)
        found = entries(conn, result.hits, result.query, content_for(_folder(province)))
        if not found and limit > 6:  # the results page, not the suggestions as one types
            words = suggestions(lexicon_for(conn, province), result.query)
            return [{"suggest": w, "href": "/search/?" + urlencode({"q": w})} for w in words]
    return found


def _folder(province: str | None):
    """The folder of a province (its catalogue translations), or None."""
    from app.search.foreign import province_folder

    return province_folder(province)


# What citizens type when they look for elder mode (长辈版); the page answers with its switch.
ELDER_MODE_QUERIES = frozenset(
    {"长辈版", "长辈模式", "关怀版", "关怀模式", "亲情版", "关爱版", "老年版", "老人版", "大字版"}
)


def wants_elder_mode(query: str) -> bool:
    """Whether a query asks for elder mode (spaces and 的/模式 variants tolerated)."""
    compact = "".join(query.split())
    return compact in ELDER_MODE_QUERIES or any(
        compact.startswith(word[:2]) and compact.endswith(("版", "模式")) and len(compact) <= 4
        for word in ELDER_MODE_QUERIES
    )


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
        self.query = str(params.get("q", "")).strip()[:64]
        self.audience = str(params.get("audience", ""))
        if self.audience not in AUDIENCE_FILTERS:
            self.audience = ""
        self.online = str(params.get("online", "")) == "1"
        self.typed = self.query
        self.expanded = False
        await self._search()

    async def _search(self) -> None:
        self.searched = bool(self.query.strip())
        found = (
            await _run_off_loop(
                self.router.headers.host, self.query, self.audience, self.online, 20
            )
            if self.searched
            else []
        )
        self.results = [r for r in found if "suggest" not in r]
        self.spelled = [r for r in found if "suggest" in r]
        if self.searched:
            recent = [r for r in self.recent if r != self.query]
            self.recent_json = json.dumps([self.query, *recent][:RECENT_MAX], ensure_ascii=False)

    @rx.event
    async def type(self, value: str) -> None:
        self.typed = value[:64]
        hits = (
            await _run_off_loop(self.router.headers.host, self.typed, self.audience, self.online, 6)
            if self.typed.strip()
            else []
        )
        self.suggestions = [
            # the name in every locale the catalogue translates (the box shows it per locale)
            {"id": f"yw-search-box-opt-{i}", "label": h["local"], "href": h["href"]}
            for i, h in enumerate(hits)
        ]
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
