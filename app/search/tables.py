"""The search index tables.

Text is indexed once per service and province (``search_group``: one basic code in one
province, whatever the number of areas implementing it); ``search_doc`` holds one row per
catalogue item with what ranking and filters need, and the group it belongs to. The term index
over the groups depends on the database: an FTS5 virtual table ``search_fts`` (rowid =
group_id) on SQLite, a ``tsvector`` column and trigram index on ``search_group`` on PostgreSQL
(see the Alembic revisions)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class SearchDoc(SQLModel, table=True):
    """One indexed catalogue item: what ranking and filters need, without the JSON."""

    __tablename__ = "search_doc"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)
    __table_args__ = (
        sa.Index("ix_search_doc_province", "province", "popularity"),
        sa.Index("ix_search_doc_group", "group_id", "popularity"),
    )

    docid: int | None = Field(default=None, primary_key=True)
    group_id: int = Field()
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


class SearchGroup(SQLModel, table=True):
    """One service (basic code) in one province: the unit the term index matches."""

    __tablename__ = "search_group"  # pyright: ignore[reportAssignmentType] (sqlmodel types it as a declared_attr)
    __table_args__ = (sa.UniqueConstraint("province", "basic_code"),)

    group_id: int | None = Field(default=None, primary_key=True)
    province: str = Field(max_length=20)
    basic_code: str = Field(max_length=20)
    name: str = Field(max_length=200)  # the name of the most popular item
    keywords: str = Field(default="")  # compact keywords of all items, joined by "|"
    popularity: int = Field(default=0)  # of the most popular item
    items: int = Field(default=0)


# Tables (and their indexes) that migrations create with raw SQL and SQLModel does not model:
# the FTS5 virtual table and the shadow tables SQLite keeps for it.
UNMODELLED_TABLE_PREFIX = "search_fts"


def alembic_include_object(obj: object, name: str | None, type_: str, reflected: bool,
                           compare_to: object) -> bool:  # fmt: skip
    """Alembic ``include_object`` hook: leave the raw-SQL search tables out of comparisons."""
    table = getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", "")
    return not (reflected and str(table_name or "").startswith(UNMODELLED_TABLE_PREFIX))
