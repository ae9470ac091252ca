"""The PostgreSQL index on a throwaway cluster (Debian's postgresql package, loopback only).

Runs with YW_TEST_POSTGRES=1 (``make test-postgres``, ``make test``): starting a cluster takes seconds
and needs the server binaries (apt-get install postgresql). Runs as a non-root user when the
tests run as root (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import only_in

pytestmark = only_in(
    "make test-postgres and make test (YW_TEST_POSTGRES=1)",
    os.environ.get("YW_TEST_POSTGRES") != "1",
)


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"{name} not found: apt-get install -y postgresql")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    # not under pytest's tmp dir: that is private to root, and the server runs as postgres
    data = Path(tempfile.mkdtemp(prefix="yw-pg-")) / "data"
    port = _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        data.parent.chmod(0o777)
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_user, _bin("initdb"), "-D", str(data), "-U", "yiwang", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*as_user, _bin("pg_ctl"), "-D", str(data), "-w", "-o",
         f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data}",
         "-l", str(data / "log"), "start"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://yiwang@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, _bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
        shutil.rmtree(data.parent, ignore_errors=True)


def test_postgres_index_finds_what_sqlite_finds(pg_url: str, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from app.catalogue.cli import seed_path
    from app.catalogue.db import upgrade
    from app.catalogue.loader import load_files
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
