"""Start the production app once on a free port, for the e2e suite and the benchmarks.

``YIWANG_E2E_MODE=scaled`` (``make test-scaled``) serves the same app the scaled way instead:
PostgreSQL, Redis, several granian workers and nginx from ``deploy/nginx`` in front of a static
build (``scripts/scaled/``); the default, ``embedded``, is ``scripts/run.sh`` on one port.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT_S = 600
E2E_MODES = ("embedded", "scaled")


def e2e_mode() -> str:
    mode = os.environ.get("YIWANG_E2E_MODE", "embedded")
    if mode not in E2E_MODES:
        raise ValueError(f"YIWANG_E2E_MODE={mode!r}: expected one of {', '.join(E2E_MODES)}")
    return mode


def app_db_url() -> str:
    """The database of the app under test, for tests that check what the app stored: the
    scaled stack's PostgreSQL, else ``REFLEX_DB_URL`` or the embedded SQLite file (rxconfig)."""
    if e2e_mode() == "scaled":
        from scripts.scaled import pg_url

        return pg_url()
    return os.environ.get("REFLEX_DB_URL") or f"sqlite:///{ROOT / 'yiwang.db'}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def production_app(
    env: dict[str, str] | None = None, log: Path | None = None, port: int | None = None
) -> Iterator[str]:
    """Build and serve the app with ``scripts/run.sh``; yield its base URL; stop it after.

    In scaled mode the same call builds a static frontend for ``env`` and serves it through
    nginx with the granian workers, PostgreSQL and Redis of ``scripts/scaled/``."""
    if e2e_mode() == "scaled":
        from scripts.scaled import scaled_app

        with scaled_app(env, port=port, log=log) as running:
            yield running.base_url
        return
    port = port or free_port()
    log = log or ROOT / "reports" / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    # the login callback and allowed origins come from the public URL only
    run_env = {"YIWANG_PUBLIC_URL": base, **os.environ, **(env or {}), "PORT": str(port)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "run.sh")],
            cwd=ROOT,
            env=run_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + BUILD_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with {proc.returncode}:\n{_log_tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if (
                    httpx.get(f"{base}/ping", timeout=2).status_code == 200
                    and httpx.get(f"{base}/", timeout=5).is_success
                ):
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the app did not start in {BUILD_TIMEOUT_S}s:\n{_log_tail(log)}"
                )
            time.sleep(1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
