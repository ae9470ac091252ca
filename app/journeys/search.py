"""搜索: results with highlighted matches, spelling suggestions when nothing was found, and the
suggestions shown while the citizen types.

The search runs in the request's province as the host resolved it: its code scopes the index,
its folder gives the synonyms, the foreign-language table and the catalogue's translations
(``app.search.service.search`` is handed the :class:`~app.context.Province` itself, so nothing
turns the code back into a folder per query). Hot searches repeat across citizens: one answer
per (province, query, filters, limit) a minute (``app.readcache``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from app.catalogue.db import get_engine
from app.catalogue.i18n import content_for
from app.context import Province, RequestContext
from app.domain.enums import Audience
from app.readcache import ReadCache
from app.search.index import Filters
from app.search.present import entries, suggestions
from app.search.service import lexicon_for, search

#: the audience filters a query may carry: 个人 and 法人 (app.domain.enums.Audience)
AUDIENCE_FILTERS: tuple[str, ...] = tuple(a.value for a in Audience)
MAX_QUERY = 64
RESULTS_LIMIT = 20
SUGGESTIONS_LIMIT = 6

#: a search's entries (``app.search.present.entries``) or its spelling suggestions
RESULTS: ReadCache[list[dict[str, Any]]] = ReadCache()

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


def audience_filter(raw: object) -> str:
    """个人 or 法人 from a query parameter ("" for anything else)."""
    value = str(raw or "")
    return value if value in AUDIENCE_FILTERS else ""


def _search_now(
    province: Province, query: str, audience: str, online: bool, limit: int
) -> list[dict[str, Any]]:
    filters = Filters(audience=audience or None, online=True if online else None)
    with get_engine().connect() as conn:
        result = search(conn, query, province=province, limit=limit, filters=filters)
        found = entries(conn, result.hits, result.query, content_for(province.folder))
        if not found and limit > SUGGESTIONS_LIMIT:  # the results page, not as one types
            words = suggestions(lexicon_for(conn, province), result.query)
            return [{"suggest": w, "href": "/search/?" + urlencode({"q": w})} for w in words]
    return found


async def _run(
    ctx: RequestContext, query: str, audience: str, online: bool, limit: int
) -> list[dict[str, Any]]:
    """A cached answer at once, a new search in a worker thread (with PostgreSQL every query
    is a network round trip that would hold up every other tab on this worker)."""
    key = (ctx.province, query, audience, online, limit)
    return await RESULTS.get_or_compute_off_loop(
        key, lambda: _search_now(ctx.province, query, audience, online, limit)
    )


@dataclass(frozen=True)
class Found:
    """The results page: the hits (dicts the page renders), or the spelling suggestions."""

    query: str = ""
    searched: bool = False
    results: tuple[dict[str, Any], ...] = ()
    spelled: tuple[dict[str, str], ...] = ()


async def find(ctx: RequestContext, query: str, audience: str = "", online: bool = False) -> Found:
    """The results of a query ("" finds nothing and is no search)."""
    query = query.strip()[:MAX_QUERY]
    if not query:
        return Found()
    found = await _run(ctx, query, audience_filter(audience), online, RESULTS_LIMIT)
    return Found(
        query,
        True,
        tuple(r for r in found if "suggest" not in r),
        tuple(r for r in found if "suggest" in r),
    )


async def suggest(
    ctx: RequestContext, typed: str, audience: str = "", online: bool = False
) -> tuple[dict[str, str], ...]:
    """What the box offers as the citizen types: a few services, each in every locale the
    catalogue translates, with an option id for the listbox."""
    typed = typed[:MAX_QUERY]
    if not typed.strip():
        return ()
    hits = await _run(ctx, typed, audience_filter(audience), online, SUGGESTIONS_LIMIT)
    return tuple(
        {"id": f"yw-search-box-opt-{i}", "label": h["local"], "href": h["href"]}
        for i, h in enumerate(hits)
    )


def remember(recent: list[str], query: str, keep: int) -> list[str]:
    """The recent searches with ``query`` first (once), at most ``keep``."""
    return [query, *(r for r in recent if r != query)][:keep]
