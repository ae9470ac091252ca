"""Catalogue files into the database and the search index, in one transaction.

A service above both the catalogue (``app.catalogue.loader``: validate and upsert, all or
nothing) and the search index (``app.search.service``), so neither imports the other's way:
the loader tells a :class:`app.catalogue.loader.Follower` what it wrote, and here that
follower is the search index.

``sync`` is what ``python -m app.catalogue sync`` (run by ``make run``, ``make run-scaled`` and
the e2e harness on start) calls: it loads every configured province's ``catalogue/`` files in
one transaction: all or nothing, every problem reported at once. A province whose files are
byte for byte what was loaded last time (their digest is recorded in ``catalogue_source``) is
skipped, so a start with nothing changed costs one read of the files. Items a province removed
from its files are removed from the database and the search index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.catalogue import loader
from app.catalogue.db import upgrade
from app.catalogue.loader import SOURCES, LoadReport, Source
from app.catalogue.provinces import Province
from app.catalogue.provinces import province as province_by_code
from app.search.documents import analyse_row
from app.search.index import Pending
from app.search.service import refresh, remove_items, sync_items, sync_missing


class SearchIndex:
    """The search index following one load (a :class:`app.catalogue.loader.Follower`): items'
    documents as each batch is written, their services' terms once after the last batch."""

    # the item's text analysed where it is validated (worker processes for a large file)
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = staticmethod(analyse_row)
    tables: tuple[str, ...] = ("search_doc", "search_group")

    def __init__(self) -> None:
        self.pending = Pending()

    def written(self, conn: sa.Connection, rows: list[dict[str, Any]], replaced: list[str]) -> None:
        # new items had no row, so no document (search_doc references catalogue_item): only
        # the replaced ones may have one to replace
        sync_items(conn, rows, self.pending, replace=replaced)

    def removed(self, conn: sa.Connection, codes: list[str]) -> None:
        remove_items(conn, codes, self.pending)

    def finished(self, conn: sa.Connection) -> None:
        refresh(conn, self.pending)
        sync_missing(conn)  # items loaded before the index existed


def load_sources(
    sources: Sequence[Source], engine: sa.Engine, progress: bool = False
) -> LoadReport:
    """Validate and upsert every source in one transaction, the search index with them; roll
    back both if any record fails (``app.catalogue.loader.load_sources``)."""
    return loader.load_sources(sources, engine, progress, follower=SearchIndex())


def load_files(paths: Sequence[Path], engine: sa.Engine, progress: bool = False) -> LoadReport:
    """Validate and upsert all files (no province: any area) with the search index."""
    return load_sources([Source(tuple(paths))], engine, progress)


def digest(files: Sequence[Path]) -> str:
    """What identifies a set of catalogue files: their names and bytes."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class SyncReport:
    """What a sync did: the load's report, and which provinces were loaded or unchanged."""

    load: LoadReport = field(default_factory=LoadReport)
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.load.ok

    def summary(self) -> str:
        parts = []
        if self.loaded:
            parts.append(f"loaded {', '.join(self.loaded)}: {self.load.summary()}")
        if self.unchanged:
            parts.append(f"unchanged: {', '.join(self.unchanged)}")
        if self.empty:
            parts.append(f"no catalogue files: {', '.join(self.empty)}")
        return "; ".join(parts) or "no provinces"


def stored_digests(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(SOURCES.c.province, SOURCES.c.digest)).all())


def sync(
    provinces: Sequence[Province], engine: sa.Engine, progress: bool = False, force: bool = False
) -> SyncReport:
    """Load the provinces whose catalogue files changed since their last load."""
    report = SyncReport()
    known = {} if force else stored_digests(engine)
    sources: list[Source] = []
    for province in provinces:
        files = province.catalogue_files()
        if not files:
            report.empty.append(province.code)
        current = digest(files)
        if known.get(province.code) == current:
            report.unchanged.append(province.code)
            continue
        sources.append(Source(tuple(files), province, replace=True, digest=current))
        report.loaded.append(province.code)
    if sources:
        report.load = load_sources(sources, engine, progress=progress)
        if not report.ok:
            report.loaded = []
    return report


def ensure_loaded(engine: sa.Engine, codes: Sequence[str]) -> SyncReport:
    """Make sure the named provinces' catalogues are loaded and current (command-line tools
    asked about a province this database has not loaded yet); unknown codes raise KeyError."""
    chosen = [province_by_code(code) for code in codes]
    upgrade(engine)
    return sync(chosen, engine)


def ensure_loaded_problems(engine: sa.Engine, codes: Sequence[str]) -> list[str]:
    """``ensure_loaded`` as a command line reports it: nothing when the provinces are loaded
    and current, else the lines that say what is wrong, the last one the summary (an unknown
    code, named with the known ones; or every problem of an invalid catalogue, then that the
    catalogue was refused)."""
    try:
        loaded = ensure_loaded(engine, codes)
    except KeyError as exc:
        return [str(exc.args[0])]
    if loaded.ok:
        return []
    refused = f"the catalogue of {', '.join(codes)} is invalid"
    return [*(f"  {problem}" for problem in loaded.load.problems), refused]
