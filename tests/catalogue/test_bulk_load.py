"""A large load into an empty catalogue: indexes built once at the end, the search index the
same as an item-by-item load gives, and a failed load leaves tables and indexes as they were."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app import ingest
from app.catalogue import loader
from app.catalogue.db import secondary_indexes, upgrade
from app.catalogue.generator import write_items
from app.catalogue.loader import writing
from tests.catalogue.conftest import snapshot

TABLES = ("catalogue_item", "catalogue_item_theme", "search_doc")


def _state(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        docs = conn.exec_driver_sql(
            "SELECT implementation_code, group_id, keywords, province FROM search_doc ORDER BY 1"
        ).all()
        fts = conn.exec_driver_sql(
            "SELECT g.province, g.basic_code, f.name, f.keywords, f.body, f.pinyin, f.initials, "
            "f.scope FROM search_fts f JOIN search_group g ON g.group_id = f.rowid ORDER BY 1, 2"
        ).all()
        indexes = {t: secondary_indexes(conn, t) for t in TABLES}
    return {"rows": snapshot(engine), "docs": [tuple(d) for d in docs],
            "fts": [tuple(f) for f in fts], "indexes": indexes}  # fmt: skip


def _engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def test_bulk_load_gives_what_a_plain_load_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "items.jsonl"
    write_items(2500, 3, data)
    plain = _engine(tmp_path / "plain.db")
    monkeypatch.setattr(writing, "BULK_BYTES", 1 << 40)
    assert ingest.load_files([data], plain).ok
    bulk = _engine(tmp_path / "bulk.db")
    monkeypatch.setattr(writing, "BULK_BYTES", 0)
    monkeypatch.setenv("YW_LOAD_WORKERS", "2")
    monkeypatch.setattr("app.catalogue.bulk.PARALLEL_BYTES", 0)
    report = ingest.load_files([data], bulk)
    assert report.ok and report.inserted == 2500
    expected, got = _state(plain), _state(bulk)
    assert all(got["indexes"][t] for t in ("catalogue_item", "search_doc"))
    assert got == expected


def test_a_failed_bulk_load_keeps_the_tables_and_their_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "items.jsonl"
    write_items(1200, 4, data)
    lines = data.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[1100])
    bad["visits"] = -1
    lines[1100] = json.dumps(bad, ensure_ascii=False)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = _engine(tmp_path / "bulk.db")
    before = _state(engine)
    monkeypatch.setattr(writing, "BULK_BYTES", 0)
    report = ingest.load_files([data], engine)
    assert [(p.where, p.field) for p in report.problems] == [("line 1101", "visits")]
    assert _state(engine) == before


class _Watcher:
    """A follower that notes what the loading process runs the garbage collector at."""

    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    tables: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.thresholds: list[tuple[int, int, int]] = []

    def written(self, conn: sa.Connection, rows: list[dict[str, Any]], replaced: list[str]) -> None:
        self.thresholds.append(gc.get_threshold())

    def removed(self, conn: sa.Connection, codes: list[str]) -> None: ...

    def finished(self, conn: sa.Connection) -> None:
        self.thresholds.append(gc.get_threshold())


def test_a_load_collects_garbage_less_often_while_it_runs(tmp_path: Path) -> None:
    from app.catalogue.bulk import LOAD_THRESHOLDS

    data = tmp_path / "items.jsonl"
    write_items(1200, 4, data)
    before = gc.get_threshold()
    watcher = _Watcher()
    report = loader.load_sources(
        [loader.Source((data,))], _engine(tmp_path / "c.db"), follower=watcher
    )
    assert report.ok and report.inserted == 1200
    assert watcher.thresholds == [LOAD_THRESHOLDS] * 3  # two batches, then the end
    assert gc.get_threshold() == before
