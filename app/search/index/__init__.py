"""The search index behind one interface: SQLite FTS5 by default, PostgreSQL when the engine
is PostgreSQL.

Text is indexed once per *group*: one service (basic code) in one province, with every item
implementing it in that province's areas attached (``search_doc.group_id``). A group's terms
are the union of its items' terms, so the term index has as many rows as there are services
per province, whatever the number of areas, and a query matches and scores groups; the
service layer then fetches each promising group's best items by popularity and region
(``items_of``) and ranks those (``app.search.rank``).

Both implementations keep ``search_doc`` and the groups in step with ``catalogue_item``:
``write_items`` writes item rows and collects the touched groups in a ``Pending``;
``refresh`` rewrites those groups' terms once (the loader calls it after its last batch);
``sync`` does both.
"""

from __future__ import annotations

from app.search.documents import GroupTerms
from app.search.index.base import GroupIndex, SearchIndex
from app.search.index.items import Filters, Pending, items_of, query_terms
from app.search.index.postgres import PostgresIndex
from app.search.index.sqlite import SqliteIndex

__all__ = [
    "Filters",
    "GroupIndex",
    "GroupTerms",
    "Pending",
    "PostgresIndex",
    "SearchIndex",
    "SqliteIndex",
    "index_for",
    "items_of",
    "query_terms",
]


def index_for(dialect: str) -> SearchIndex:
    """The index implementation for a SQLAlchemy dialect name."""
    if dialect == "sqlite":
        return SqliteIndex()
    if dialect == "postgresql":
        return PostgresIndex()
    raise ValueError(f"search index: unsupported database {dialect!r}; use sqlite or postgresql")
