"""Search: analyse the query, fetch candidates from the index, rank, return hits.

``search(...)`` is what the app, the CLI and the evaluation call. A second, broader pass
(single characters, pinyin fragments: the edit-distance path) runs when the first finds too
little that is really relevant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

from app.search.analyze import Query, analyze_query
from app.search.index import Filters, index_for
from app.search.rank import Candidate, score
from app.search.synonyms import synonyms_for

CANDIDATES = 150
MIN_RELEVANCE = 1.2  # below this a hit is noise: a single shared character
MAX_LIMIT = 100


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

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Result:
    query: Query
    hits: list[Hit]


def _validate(province: str | None, limit: int, area: str | None) -> None:
    from app.catalogue.provinces import PROVINCES

    if province is not None and province not in PROVINCES:
        known = ", ".join(sorted(PROVINCES))
        raise SearchError(f"province: unknown {province!r}; known: {known}")
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit: must be 1-{MAX_LIMIT}, got {limit}")
    if area is not None and not (area.isdigit() and len(area) in (2, 4, 6, 9, 12)):
        raise SearchError(f"area: expected an administrative area code of digits, got {area!r}")


def search(
    conn: sa.Connection,
    query: str,
    province: str | None = None,
    limit: int = 10,
    filters: Filters | None = None,
    area: str | None = None,
    synonyms_path: Path | None = None,
) -> Result:
    """Ranked hits for ``query`` (empty list for an empty query: never an error)."""
    _validate(province, limit, area)
    filters = filters or Filters()
    q = analyze_query(query or "", synonyms_for(province, synonyms_path))
    if q.empty:
        return Result(q, [])
    index = index_for(conn.dialect.name)
    found = index.candidates(conn, q, province, filters, CANDIDATES)
    ranked = _rank(q, found, area)
    if len([c for c in ranked if c.relevance >= MIN_RELEVANCE * 1.5]) < min(limit, 3):
        more = index.candidates(conn, q, province, filters, CANDIDATES, broad=True)
        seen = {c.code for c in ranked}
        ranked = _rank(q, ranked + [c for c in more if c.code not in seen], area)
    hits = [
        Hit(
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
        for c in ranked
        if c.relevance >= MIN_RELEVANCE
    ]
    return Result(q, hits[:limit])


def _rank(q: Query, found: Sequence[Candidate], area: str | None) -> list[Candidate]:
    for c in found:
        score(q, c, area)
    return sorted(found, key=lambda c: (-c.score, -c.popularity, c.code))


def sync(conn: sa.Connection, codes: Sequence[str] | None = None) -> int:
    """Bring the index in step with the catalogue for ``codes`` (``None``: rebuild all)."""
    return index_for(conn.dialect.name).sync(conn, codes)


def sync_missing(conn: sa.Connection) -> int:
    """Index the catalogue items that have no document yet."""
    index = index_for(conn.dialect.name)
    missing = index.missing(conn)
    return index.sync(conn, missing) if missing else 0
