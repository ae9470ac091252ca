"""The PostgreSQL index on a throwaway cluster (Debian's postgresql package, loopback only).

Runs with YW_TEST_POSTGRES=1 (``make test-postgres``, ``make test``): starting a cluster takes seconds
and needs the server binaries (apt-get install postgresql). Runs as a non-root user when the
tests run as root (initdb refuses root).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.skips import only_in
from tests import pg

pytestmark = only_in(
    "make test-postgres and make test (YW_TEST_POSTGRES=1)",
    os.environ.get("YW_TEST_POSTGRES") != "1",
)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with pg.cluster() as url:
        yield url


def test_postgres_index_finds_what_sqlite_finds(pg_url: str, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from app.catalogue.cli import seed_path
    from app.catalogue.db import upgrade
    from app.ingest import load_files
    from app.search.service import search

    engine = sa.create_engine(pg_url)
    try:
        upgrade(engine)
        started = time.perf_counter()
        report = load_files([seed_path("shandong")], engine)
        assert report.ok, report.problems
        assert time.perf_counter() - started < 60
        with engine.connect() as conn:
            for query, expected in [
                ("身份证丢了", "居民身份证丢失补领"),
                ("sbk", "社会保障卡申领"),
                ("shebaoka", "社会保障卡申领"),
                ("身分证", "居民身份证换领"),
                ("户口", "户口迁移"),
                ("開公司", "企业设立登记"),
            ]:
                names = [h.name for h in search(conn, query, province="shandong").hits]
                assert expected in names[:3], (query, names[:3])
            for bad in ["'", "--", "a & b | !c", ":*", "<script>", ""]:
                assert isinstance(search(conn, bad, province="shandong").hits, list)
    finally:
        engine.dispose()  # no pooled connection left for the garbage collector


def test_postgres_meets_the_labelled_set_per_type(pg_url: str) -> None:
    """Every query type of the labelled set (questions, mixed, misspelt pinyin, business,
    nonsense included) on PostgreSQL, both provinces: recall@3 ≥ 0.95 per type, and every
    nonsense query finds nothing."""
    import sqlalchemy as sa

    from app.catalogue.cli import seed_path
    from app.catalogue.db import upgrade
    from app.ingest import load_files
    from app.search.evaluate import DEFAULT_SET, NEGATIVE, load_cases, rank_of
    from app.search.service import search

    engine = sa.create_engine(pg_url)
    upgrade(engine)
    assert load_files([seed_path("shandong"), seed_path("sichuan")], engine).ok
    hits: dict[str, list[int]] = {}
    misses = []
    with engine.connect() as conn:  # (disposed below: no pooled connection left over)
        for case in load_cases(DEFAULT_SET):
            names = [h.name for h in search(conn, case.q, province=case.province).hits]
            if case.type == NEGATIVE:
                ok = not names
            else:
                rank = rank_of(names, case.expect)
                ok = rank is not None and rank <= 3
            hits.setdefault(case.type, []).append(int(ok))
            if not ok:
                misses.append((case.type, case.q, names[:3]))
    engine.dispose()
    low = {t: sum(v) / len(v) for t, v in hits.items() if sum(v) / len(v) < 0.95}
    assert not low, (low, misses)


def test_a_bulk_load_on_postgres_checks_foreign_keys_once_and_keeps_them(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large load into an empty catalogue drops the foreign keys of the tables it fills
    and adds them back at the end (checked once for all rows), stores the items' JSON
    compressed with lz4, and leaves keys and indexes as they were when it fails."""
    import json

    import sqlalchemy as sa

    from app import ingest
    from app.catalogue.db import foreign_keys, secondary_indexes, upgrade
    from app.catalogue.generator import write_items
    from app.catalogue.loader import writing

    server = sa.make_url(pg_url)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql('CREATE DATABASE "yw_bulk"')
    admin.dispose()
    engine = sa.create_engine(server.set(database="yw_bulk"))
    tables = ("catalogue_item_theme", "search_doc")
    try:
        upgrade(engine)
        with engine.connect() as conn:
            keys = {t: foreign_keys(conn, t) for t in tables}
            indexes = {t: secondary_indexes(conn, t) for t in tables}
        assert all(keys.values())  # each references catalogue_item
        monkeypatch.setattr(writing, "BULK_BYTES", 0)
        data = tmp_path / "items.jsonl"
        write_items(1500, 6, data)
        lines = data.read_text(encoding="utf-8").splitlines()
        bad = json.loads(lines[1200])
        bad["visits"] = -1
        (tmp_path / "bad.jsonl").write_text("\n".join([*lines[:1200], json.dumps(bad)]) + "\n")
        failed = ingest.load_files([tmp_path / "bad.jsonl"], engine)
        assert not failed.ok and failed.problems[0].where == "line 1201"
        with engine.connect() as conn:
            assert {t: foreign_keys(conn, t) for t in tables} == keys
            assert {t: secondary_indexes(conn, t) for t in tables} == indexes
            assert conn.exec_driver_sql("SELECT count(*) FROM catalogue_item").scalar() == 0
        report = ingest.load_files([data], engine)
        assert report.ok and report.inserted == 1500
        with engine.connect() as conn:
            assert {t: foreign_keys(conn, t) for t in tables} == keys
            assert {t: secondary_indexes(conn, t) for t in tables} == indexes
            methods = conn.exec_driver_sql(
                "SELECT DISTINCT pg_column_compression(data) FROM catalogue_item"
            ).scalars()
            found = set(methods)
            assert "lz4" in found and found <= {"lz4", None}  # None: too short to compress
            orphan = "INSERT INTO catalogue_item_theme VALUES ('NO-SUCH-ITEM', '户籍')"
            with pytest.raises(sa.exc.IntegrityError):
                conn.exec_driver_sql(orphan)
    finally:
        engine.dispose()
