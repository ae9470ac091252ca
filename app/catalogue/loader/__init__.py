"""All-or-nothing loader: every record of every file is validated and upserted inside one
transaction; if any record has a problem the transaction is rolled back, so nothing is
written, and the report lists every problem found.

One streaming pass keeps only the implementation codes seen (to find duplicates), so memory
stays flat for millions of records; valid rows are written in batches as they come.

What follows the catalogue in the same transaction (the search index) is passed in as a
:class:`Follower`: this package knows nothing of it (``app.ingest`` joins the two).
"""

from __future__ import annotations

from app.catalogue.loader.checking import check_files, validation_problems
from app.catalogue.loader.rows import (
    DATA_JSON,
    ITEM_COLUMNS,
    ITEMS,
    SOURCES,
    THEMES,
    guide_of,
    item_row,
    prepared_row,
    row_of,
)
from app.catalogue.loader.sources import Follower, LoadReport, Source
from app.catalogue.loader.writing import BATCH, BULK_BYTES, SQLITE_LOAD_CACHE_KIB, load_sources

__all__ = [
    "BATCH",
    "BULK_BYTES",
    "DATA_JSON",
    "ITEMS",
    "ITEM_COLUMNS",
    "SOURCES",
    "SQLITE_LOAD_CACHE_KIB",
    "THEMES",
    "Follower",
    "LoadReport",
    "Source",
    "check_files",
    "guide_of",
    "item_row",
    "load_sources",
    "prepared_row",
    "row_of",
    "validation_problems",
]
