"""What a validated item is written as: its catalogue row (``row_of``, ``item_row``, the
``data`` that the search index and the themes table read) and the tables it goes into."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from app.catalogue.db import insert_rows
from app.catalogue.provinces import province_of_area
from app.catalogue.tables import CatalogueItem, CatalogueItemTheme, CatalogueSource
from app.domain.service_item import ServiceItem

ITEMS = CatalogueItem.__table__  # type: ignore[attr-defined]
THEMES = CatalogueItemTheme.__table__  # type: ignore[attr-defined]
SOURCES = CatalogueSource.__table__  # type: ignore[attr-defined]


def row_of(item: ServiceItem, province: str | None = None) -> dict[str, Any]:
    """The table row for a validated item. ``data`` holds only what the search index and the
    themes table read (``guide_of``); the column is written from the item's JSON, made once
    for the hash (``DATA_JSON``)."""
    row = item_row(item)
    row["province"] = province or province_of_area(item.area_code) or item.area_code[:2]
    return row


def prepared_row(
    item: ServiceItem, prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``item_row`` with what the follower makes of it (``Follower.prepare``: the search
    index analyses the item's text), both made where the item is validated."""
    row = item_row(item)
    if prepare is None:
        return row
    row = prepare(row)
    # once prepared, the loader reads only the themes of the guide (and the row is sent
    # between processes: the rest would be copied for nothing)
    row["data"] = {"themes": row["data"]["themes"]}
    return row


_TO_JSON = ServiceItem.__pydantic_serializer__.to_json


def item_row(item: ServiceItem) -> dict[str, Any]:
    """``row_of`` but the province (a registry look-up, made by the loading process: a
    worker process that validates may not see the registry the loader sees)."""
    # model_dump_json's bytes, without its keyword handling: fields in model order, stable
    # for equal items
    canonical = _TO_JSON(item)
    return {
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "name": item.name,
        "item_type": str(item.item_type),
        "audience": str(item.audience),
        "province": "",
        "area_code": item.area_code,
        "level": str(item.level),
        "department": item.department,
        "department_code": item.department_code,
        "popularity": item.popularity,
        "online": item.online,
        "visits": item.visits,
        "appointment": item.appointment,
        "express_delivery": item.express_delivery,
        "content_hash": hashlib.sha1(canonical, usedforsecurity=False).hexdigest(),
        "data": guide_of(item),
        DATA_JSON: canonical.decode(),  # what is stored: the JSON already made for the hash
    }


def guide_of(item: ServiceItem) -> dict[str, Any]:
    """The parts of an item's data the search index and the themes table read, as in its
    JSON (``app.search.documents.body_text``), without serialising the whole item again."""
    return {
        "themes": item.themes,
        "keywords": item.keywords,
        "department": item.department,
        "acceptance_conditions": item.acceptance_conditions,
        "materials": [{"name": m.name} for m in item.materials],
        "steps": [{"name": s.name} for s in item.steps],
        "item_type": str(item.item_type),
    }


DATA_JSON = "_data_json"


ITEM_COLUMNS = tuple(c.name for c in ITEMS.columns)
# a row's values in column order, its data column as the JSON text
_ITEM_VALUES = itemgetter(*(DATA_JSON if c == "data" else c for c in ITEM_COLUMNS))


def insert_items(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Insert rows with their data column as the JSON text ``row_of`` made (serialising the
    dict again cost as much as validating it), in bulk (``db.insert_rows``: COPY on
    PostgreSQL)."""
    insert_rows(conn, ITEMS.name, ITEM_COLUMNS, [_ITEM_VALUES(r) for r in rows])
