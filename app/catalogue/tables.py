"""SQLModel tables of the catalogue.

The validated item is stored whole as JSON (``data``) and the fields that lists, filters
and rankings need are real indexed columns. Themes get their own table so that
"items of theme X" is an indexed join on every database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from reflex.model import ModelRegistry
from sqlmodel import Field, SQLModel


@ModelRegistry.register
class CatalogueItem(SQLModel, table=True):
    """One service item of the implementation list, keyed by implementation code."""

    __tablename__ = "catalogue_item"
    __table_args__ = (
        sa.Index("ix_catalogue_item_browse", "province", "audience", "popularity"),
        sa.Index("ix_catalogue_item_department", "province", "audience", "department"),
    )

    implementation_code: str = Field(primary_key=True, max_length=80)
    basic_code: str = Field(index=True, max_length=20)
    name: str = Field(index=True, max_length=200)
    item_type: str = Field(max_length=20)
    audience: str = Field(max_length=4)
    province: str = Field(max_length=20)
    area_code: str = Field(index=True, max_length=12)
    level: str = Field(max_length=4)
    department: str = Field(max_length=200)
    department_code: str = Field(max_length=18)
    popularity: int = Field(default=0)
    online: bool = Field(default=False)
    visits: int = Field(default=1)
    appointment: bool = Field(default=False)
    express_delivery: bool = Field(default=False)
    content_hash: str = Field(max_length=40)
    data: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))


@ModelRegistry.register
class CatalogueItemTheme(SQLModel, table=True):
    """A life-event theme (出生, 上学 …) of an item."""

    __tablename__ = "catalogue_item_theme"

    implementation_code: str = Field(
        primary_key=True,
        max_length=80,
        sa_column_args=[sa.ForeignKey("catalogue_item.implementation_code", ondelete="CASCADE")],
    )
    theme: str = Field(primary_key=True, index=True, max_length=20)


@ModelRegistry.register
class CatalogueSource(SQLModel, table=True):
    """The catalogue files of one province folder as last loaded (``app.catalogue sync``)."""

    __tablename__ = "catalogue_source"

    province: str = Field(primary_key=True, max_length=40)
    folder: str = Field(max_length=1000)
    digest: str = Field(max_length=64)
    items: int = Field()
    loaded_at: datetime = Field()
