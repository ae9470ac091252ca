"""A throwaway PostgreSQL cluster on a free loopback port (Debian's postgresql package).

Used by the tests that run with ``YW_TEST_POSTGRES=1`` (``make test``, ``make test-postgres``);
under ``CI=true`` a missing binary fails. Runs the server as ``postgres`` when the tests run
as root (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

WANTED = os.environ.get("YW_TEST_POSTGRES") == "1"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"{name} not found: apt-get install -y postgresql")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster; yield the URL of its ``postgres`` database; stop and remove it."""
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


@contextmanager
def fresh_database(server_url: str) -> Iterator[sa.Engine]:
    """A new empty database on the cluster, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = sa.create_engine(sa.make_url(server_url).set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
