"""The search index tables. ``search_doc`` is a plain table on every database; the term index
beside it depends on the database: an FTS5 virtual table ``search_fts`` (rowid = docid) on
SQLite, a ``tsvector`` column and trigram indexes on PostgreSQL (see the Alembic revision)."""

from __future__ import annotations

import sqlalchemy as sa
from reflex.model import ModelRegistry
from sqlmodel import Field, SQLModel


@ModelRegistry.register
class SearchDoc(SQLModel, table=True):
    """One indexed catalogue item: what ranking and filters need, without the JSON."""

    __tablename__ = "search_doc"
    __table_args__ = (sa.Index("ix_search_doc_province", "province", "popularity"),)

    docid: int | None = Field(default=None, primary_key=True)
    implementation_code: str = Field(
        max_length=80,
        sa_column_args=[
            sa.ForeignKey("catalogue_item.implementation_code", ondelete="CASCADE"),
        ],
        unique=True,
    )
    basic_code: str = Field(max_length=20)
    province: str = Field(max_length=20)
    name: str = Field(max_length=200)
    keywords: str = Field(default="", max_length=2000)  # compact keywords joined by "|"
    popularity: int = Field(default=0)
    area_code: str = Field(max_length=12)
    audience: str = Field(max_length=4)
    level: str = Field(max_length=4)
    department: str = Field(max_length=200)
    online: bool = Field(default=False)


# Tables (and their indexes) that migrations create with raw SQL and SQLModel does not model:
# the FTS5 virtual table and the shadow tables SQLite keeps for it.
UNMODELLED_TABLE_PREFIX = "search_fts"


def alembic_include_object(obj: object, name: str | None, type_: str, reflected: bool,
                           compare_to: object) -> bool:  # fmt: skip
    """Alembic ``include_object`` hook: leave the raw-SQL search tables out of comparisons."""
    table = getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", "")
    return not (reflected and str(table_name or "").startswith(UNMODELLED_TABLE_PREFIX))
