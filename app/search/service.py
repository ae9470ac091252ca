"""Search: analyse the query, match groups in the index, rank them, fetch the best items of
the promising groups, rank those, return hits.

``search(...)`` is what the app, the CLI and the evaluation call. The index matches groups
(one service in one province, see ``app.search.index``); groups are scored like items, on
the name of their most popular item and the keywords and guide text of all their items, so an
item never scores more than its group (when its name is the group's) plus the popularity and
region boosts. Groups are opened best first and only while one could still place an item in
the top ``limit``. A second, broader pass (single characters, pinyin fragments: the
edit-distance path) runs when the first finds too little that is really relevant.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.catalogue.provinces import registry
from app.context import Province
from app.search.analyze import Query, analyze_query
from app.search.index import Filters, Pending, index_for
from app.search.index.items import items_of_groups
from app.search.lexicon import Lexicon, build_lexicon
from app.search.rank import NAME, POPULARITY, REGION, Candidate, score
from app.search.synonyms import Synonyms, synonyms_for

CANDIDATES = 150  # groups from the term index
MIN_RELEVANCE = 1.2  # below this a hit is noise: a single shared character
MAX_LIMIT = 100
# An item's name may differ from its group's (a local suffix): allow that much more relevance
# than the group's when deciding which groups can still place an item.
NAME_SLACK = 0.1 * NAME


#: a province by its code (looked up in the registry), or the request's resolved Province
Where = str | Province | None


def _code(province: Where) -> str | None:
    return province.code if isinstance(province, Province) else province


def _folder(province: Where) -> Path | None:
    return province.folder if isinstance(province, Province) else None


class SearchError(ValueError):
    """A search request that cannot be run; the message says which argument and why."""


@dataclass(frozen=True)
class Hit:
    code: str
    basic_code: str
    name: str
    score: float
    relevance: float
    department: str
    audience: str
    level: str
    online: bool
    area_code: str
    # the same service implemented in other areas, best first (shown behind 其他地区)
    others: tuple[Hit, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Result:
    query: Query
    hits: list[Hit]


def _validate(province: Where, limit: int, area: str | None) -> None:
    if isinstance(province, str) and province not in (known := registry()):
        names = ", ".join(sorted(known))
        raise SearchError(
            f"province: unknown {province!r}; known: {names} "
            "(a folder elsewhere: set YIWANG_PROVINCE_DIR)"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit: must be 1-{MAX_LIMIT}, got {limit}")
    if area is not None and not (area.isdigit() and len(area) in (2, 4, 6, 9, 12)):
        raise SearchError(f"area: expected an administrative area code of digits, got {area!r}")


def search(
    conn: sa.Connection,
    query: str,
    province: Where = None,
    limit: int = 10,
    filters: Filters | None = None,
    area: str | None = None,
    synonyms_path: Path | None = None,
) -> Result:
    """Ranked hits for ``query`` (empty list for an empty query: never an error). The
    province is a code (the command line, the evaluation: looked up in the registry) or the
    request's :class:`~app.context.Province` (its folder used as it is)."""
    _validate(province, limit, area)
    filters = filters or Filters()
    q = understand(query or "", province, synonyms_path, lexicon_for(conn, province, synonyms_path))
    if q.empty:
        return Result(q, [])
    index = index_for(conn.dialect.name)
    code = _code(province)
    groups = _rank(q, index.candidates(conn, q, code, filters, CANDIDATES), None)
    fetched: dict[int, list[Candidate]] = {}
    ranked = _open(conn, q, groups, filters, area, limit, fetched)
    if len({c.group_id for c in ranked if c.relevance >= MIN_RELEVANCE * 1.5}) < min(limit, 3):
        more = index.candidates(conn, q, code, filters, CANDIDATES, broad=True)
        seen = {g.group_id for g in groups}
        groups = _rank(q, groups + [g for g in more if g.group_id not in seen], None)
        ranked = _open(conn, q, groups, filters, area, limit, fetched)
    # one entry per service: its best item (the user's area first, through the region boost),
    # the other areas' items behind it
    entries: dict[int, list[Candidate]] = {}
    for c in ranked:
        if c.relevance >= MIN_RELEVANCE:
            entries.setdefault(c.group_id, []).append(c)
    hits = [
        replace(_hit(items[0]), others=tuple(_hit(c) for c in items[1:]))
        for items in list(entries.values())[:limit]
    ]
    return Result(q, hits)


def _hit(c: Candidate) -> Hit:
    return Hit(
        c.code,
        c.basic_code,
        c.name,
        round(c.score, 4),
        round(c.relevance, 4),
        c.department,
        c.audience,
        c.level,
        c.online,
        c.area_code,
    )


def understand(
    query: str,
    province: Where,
    synonyms_path: Path | None = None,
    lexicon: Lexicon | None = None,
) -> Query:
    """``analyze_query`` with the province's synonyms and lexicon, cached: suggestions as one
    types ask the same prefixes again and again, and jieba and pinyin cost more than the
    look-up."""
    synonyms = synonyms_for(_code(province), synonyms_path, _folder(province))
    q = _understand(query, synonyms, lexicon)
    return replace(q, phrases=list(q.phrases), words=list(q.words))  # callers may not share


@lru_cache(maxsize=4096)
def _understand(query: str, synonyms: Synonyms, lexicon: Lexicon | None) -> Query:
    return analyze_query(query, synonyms, lexicon)


LEXICON_TTL = 30.0  # seconds a lexicon is used before the groups are checked for changes
_LEXICONS: dict[tuple[str, str | None, Synonyms], tuple[float, tuple, Lexicon]] = {}
_LEXICON_LOCK = threading.Lock()


def lexicon_for(conn: sa.Connection, where: Where, synonyms_path: Path | None = None) -> Lexicon:
    """The words the index can find in a province (its services' names and keywords) and
    the synonyms' words, by pinyin. Built once per database and province, rebuilt when the
    groups change (checked at most every ``LEXICON_TTL`` seconds)."""
    province = _code(where)
    synonyms = synonyms_for(province, synonyms_path, _folder(where))  # one object per files
    key = (conn.engine.url.render_as_string(hide_password=True), province, synonyms)
    now = time.monotonic()
    cached = _LEXICONS.get(key)
    if cached is not None and now - cached[0] < LEXICON_TTL:
        return cached[2]
    where = "WHERE province = :p" if province else ""
    signature = tuple(
        conn.execute(
            sa.text(
                "SELECT count(*), coalesce(max(group_id), 0), coalesce(sum(popularity), 0) "
                f"FROM search_group {where}"
            ),
            {"p": province},
        ).one()
    )
    if cached is not None and cached[1] == signature:
        _LEXICONS[key] = (now, signature, cached[2])
        return cached[2]
    rows = conn.execute(
        sa.text(f"SELECT name, keywords, items FROM search_group {where}"), {"p": province}
    )
    texts: list[tuple[str, int]] = []
    for name, keywords, items in rows:
        texts.append((name, int(items or 1)))
        texts += [(k, 1) for k in (keywords or "").split("|") if k]
    lexicon = build_lexicon(texts, synonyms.vocabulary())
    with _LEXICON_LOCK:
        _LEXICONS[key] = (now, signature, lexicon)
    return lexicon


def _rank(q: Query, found: Sequence[Candidate], area: str | None) -> list[Candidate]:
    for c in found:
        score(q, c, area)
    return sorted(found, key=lambda c: (-c.score, -c.popularity, c.code))


OPEN_AT_ONCE = 8  # groups whose items one statement fetches


def _open(
    conn: sa.Connection,
    q: Query,
    groups: Sequence[Candidate],
    filters: Filters,
    area: str | None,
    limit: int,
    fetched: dict[int, list[Candidate]],
) -> list[Candidate]:
    """Ranked items of the groups that can place one in the top ``limit``: groups by
    relevance, opened (their best items fetched and scored) a few at a time until the
    ``limit``-th entry found scores more than any item of the next group could, or no item
    of the next group could be relevant enough to show."""
    boost = POPULARITY + (max(REGION.values()) if area else 0.0) + NAME_SLACK
    items: list[Candidate] = []
    order = sorted(groups, key=lambda g: (-g.relevance, -g.popularity, g.group_id))
    i = 0
    while i < len(order):
        best: dict[int, float] = {}  # entries so far: a service's best item
        for c in items:
            if c.relevance >= MIN_RELEVANCE and c.score > best.get(c.group_id, -1.0):
                best[c.group_id] = c.score
        bar = sorted(best.values())[-limit] if len(best) >= limit else None
        batch: list[Candidate] = []
        while i < len(order) and len(batch) < OPEN_AT_ONCE:
            group = order[i]
            if group.relevance + NAME_SLACK < MIN_RELEVANCE:
                i = len(order)  # no item of this group or a later one would be shown
                break
            if bar is not None and bar > group.relevance + boost:
                i = len(order)
                break
            batch.append(group)
            i += 1
        if not batch:
            break
        todo = [g for g in batch if g.group_id not in fetched]
        if todo:
            for group_id, found in items_of_groups(conn, todo, filters, area, limit).items():
                for c in found:
                    score(q, c, area)
                fetched[group_id] = found
        for group in batch:
            items += fetched[group.group_id]
    return sorted(items, key=lambda c: (-c.score, -c.popularity, c.code))


def sync(conn: sa.Connection, codes: Sequence[str] | None = None) -> int:
    """Bring the index in step with the catalogue for ``codes`` (``None``: rebuild all)."""
    return index_for(conn.dialect.name).sync(conn, codes)


def sync_items(
    conn: sa.Connection,
    rows: Sequence[dict[str, Any]],
    pending: Pending | None,
    replace: Sequence[str] | None = None,
) -> Pending:
    """Index catalogue ``rows`` just written; their groups' terms wait for
    ``refresh(pending)`` (a loader writing many batches rewrites each group once, at the end).
    ``replace``: the codes among them that may have documents already (default: all)."""
    return index_for(conn.dialect.name).write_items(conn, None, pending, rows=rows, replace=replace)


def refresh(conn: sa.Connection, pending: Pending) -> int:
    """Rewrite the terms of the groups ``sync_items`` touched."""
    return index_for(conn.dialect.name).refresh(conn, pending)


def remove_items(conn: sa.Connection, codes: Sequence[str], pending: Pending) -> None:
    """Drop ``codes`` from the index (items leaving the catalogue); ``refresh`` completes it."""
    index_for(conn.dialect.name).remove_items(conn, codes, pending)


def sync_missing(conn: sa.Connection) -> int:
    """Index the catalogue items that have no document yet."""
    index = index_for(conn.dialect.name)
    missing = index.missing(conn)
    return index.sync(conn, missing) if missing else 0
