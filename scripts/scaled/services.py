"""PostgreSQL and Redis of scaled mode, on their own loopback ports with their data under
``.tools/scaled/``, shared by every app started from this checkout; migrated and seeded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scripts.scaled.common import (
    PG_DB,
    PG_PORT,
    REDIS_PORT,
    ROOT,
    STATE,
    ScaledError,
    ensure_packages,
    log_tail,
    pg_bin,
    port_open,
    say,
)

# ---------------------------------------------------------------------------------------------
# PostgreSQL and Redis (shared by every app started from this checkout)


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def pg_url() -> str:
    return f"postgresql+psycopg://yiwang@127.0.0.1:{PG_PORT}/{PG_DB}"


def redis_url() -> str:
    return f"redis://127.0.0.1:{REDIS_PORT}/0"


def pg_data() -> Path:
    return STATE / "pg" / "data"


def start_postgres() -> None:
    if port_open(PG_PORT):
        if not (pg_data() / "postmaster.pid").exists():
            raise ScaledError(f"port {PG_PORT} is taken by something else: set YW_PG_PORT")
        return
    data = pg_data()
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise ScaledError("PostgreSQL server binaries not found: apt-get install -y postgresql")
    if not (data / "PG_VERSION").exists():
        say(f"creating a PostgreSQL cluster in {data}")
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(data.parent, "postgres")
            shutil.chown(data, "postgres")
        subprocess.run(
            [*_as_postgres(), initdb, "-D", str(data), "-U", "yiwang", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8"],
            check=True, capture_output=True,
        )  # fmt: skip
    say(f"starting PostgreSQL on 127.0.0.1:{PG_PORT}")
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} -c unix_socket_directories={data} "
        "-c max_connections=200 -c shared_buffers=128MB -c synchronous_commit=on"
    )
    result = subprocess.run(
        [*_as_postgres(), pg_ctl, "-D", str(data), "-w", "-t", "60", "-o", opts,
         "-l", str(data / "server.log"), "start"],
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise ScaledError(
            f"PostgreSQL did not start:\n{result.stderr}\n{log_tail(data / 'server.log')}"
        )
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "yiwang", "-d", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{PG_DB}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if exists != "1":
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "yiwang", "-d", "postgres",
             "-c", f"CREATE DATABASE {PG_DB}"],
            check=True, capture_output=True,
        )  # fmt: skip


def stop_postgres() -> None:
    pg_ctl = pg_bin("pg_ctl")
    if pg_ctl and (pg_data() / "postmaster.pid").exists():
        subprocess.run(
            [*_as_postgres(), pg_ctl, "-D", str(pg_data()), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )


def redis_dir() -> Path:
    return STATE / "redis"


def start_redis() -> None:
    if port_open(REDIS_PORT):
        if not (redis_dir() / "redis.pid").exists():
            raise ScaledError(f"port {REDIS_PORT} is taken by something else: set YW_REDIS_PORT")
        return
    folder = redis_dir()
    folder.mkdir(parents=True, exist_ok=True)
    say(f"starting Redis on 127.0.0.1:{REDIS_PORT}")
    # appendonly: state written before a crash or a restart comes back with the server.
    subprocess.run(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--dir", str(folder),
         "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
         # Every event rewrites a tab's state, so the log grows by megabytes a second under
         # load; with the default 64 MB threshold Redis forked to rewrite it every half minute
         # (7 rewrites in one make load step), stalling events. Rewrite from 512 MB on.
         "--auto-aof-rewrite-min-size", "512mb",
         "--daemonize", "yes", "--pidfile", str(folder / "redis.pid"),
         "--logfile", str(folder / "redis.log"), "--maxclients", "10000",
         "--protected-mode", "yes"],
        check=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not port_open(REDIS_PORT):
        if time.monotonic() > deadline:
            raise ScaledError(f"Redis did not start:\n{log_tail(folder / 'redis.log')}")
        time.sleep(0.2)


def stop_redis() -> None:
    if port_open(REDIS_PORT) and (redis_dir() / "redis.pid").exists():
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(REDIS_PORT), "shutdown"],
            capture_output=True,
        )
        deadline = time.monotonic() + 15
        while port_open(REDIS_PORT) and time.monotonic() < deadline:
            time.sleep(0.2)


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def migrate_and_seed(app: dict[str, str] | None = None) -> None:
    """Migrate PostgreSQL and load the catalogues: every built-in province's, and those of the
    provinces ``app`` (an app's environment) serves; unchanged ones are skipped."""
    say("migrating PostgreSQL and loading the province catalogues")
    env = {**os.environ, **(app or {}), "REFLEX_DB_URL": pg_url()}
    for command in (["migrate"], ["sync", "--all"]):
        result = subprocess.run(
            [python(), "-m", "app.catalogue", *command], cwd=ROOT, env=env, capture_output=True,
            text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise ScaledError(
                f"python -m app.catalogue {command[0]} on PostgreSQL failed:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "", flush=True)


def start_services(seed: bool = True) -> None:
    """PostgreSQL and Redis running on their loopback ports, migrated and seeded."""
    ensure_packages()
    STATE.mkdir(parents=True, exist_ok=True)
    start_postgres()
    start_redis()
    if seed:
        migrate_and_seed()


def stop_services() -> None:
    stop_redis()
    stop_postgres()
