"""Start the application flow's sandboxes beside the app (``make run``, ``make run-scaled``, e2e).

Unless the environment names a real service, each sandbox runs on 127.0.0.1 for as long as
the app does, so that login, e-licences and the back office work out of the box:

- the sandbox OpenID Connect provider (test accounts only) unless ``YIWANG_OIDC_ISSUER`` is
  set; on ``SANDBOX_IDP_PORT`` or a free port; sets ``YIWANG_OIDC_ISSUER`` (and
  ``YIWANG_OIDC_CLIENT_ID``, default ``yiwang``);
- the sandbox e-licence service unless ``YIWANG_ELICENCE_URL`` is set
  (``SANDBOX_ELICENCE_PORT`` or a free port);
- the sandbox back office unless ``YIWANG_BACKOFFICE_URL`` is set (``SANDBOX_BACKOFFICE_PORT``
  or a free port); its store is ``SANDBOX_BACKOFFICE_DB``, else the caller's default file;
- the sandbox cashier unless ``YIWANG_CASHIER_URL`` is set (``SANDBOX_CASHIER_PORT`` or a free
  port; signing key ``YIWANG_CASHIER_KEY``, a fresh random one unless set; its store
  ``SANDBOX_CASHIER_DB``, default in memory);
- the sandbox logistics service unless ``YIWANG_LOGISTICS_URL`` is set
  (``SANDBOX_LOGISTICS_PORT`` or a free port; a shipment moves one step every
  ``SANDBOX_LOGISTICS_STEP_S`` seconds, default 60).

Run a command with them (``scripts/run.sh`` does this with ``reflex run``)::

    python -m sandboxes [--backoffice-db PATH] -- COMMAND [ARG...]

The command gets the sandboxes' URLs in its environment; the sandboxes stop when it ends.
From Python (``scripts/scaled/``): ``with flow_sandboxes(env, backoffice_db=...) as urls``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
HEALTH_TIMEOUT_S = 20.0


class SandboxError(RuntimeError):
    """A sandbox did not start (the message names which one and why)."""


@dataclass(frozen=True)
class Sandbox:
    key: str
    module: str  # python -m <module> --port N
    url_var: str  # set: a real service is configured, no sandbox
    port_var: str  # the sandbox's port if set, else a free one
    announce: str  # "<announce> on <url>"


IDP = Sandbox(
    "idp",
    "sandboxes.idp",
    "YIWANG_OIDC_ISSUER",
    "SANDBOX_IDP_PORT",
    "Sandbox identity provider (test accounts only)",
)
ELICENCE = Sandbox(
    "elicence",
    "sandboxes.elicence",
    "YIWANG_ELICENCE_URL",
    "SANDBOX_ELICENCE_PORT",
    "Sandbox e-licence service (test licences only)",
)
BACKOFFICE = Sandbox(
    "backoffice",
    "sandboxes.backoffice",
    "YIWANG_BACKOFFICE_URL",
    "SANDBOX_BACKOFFICE_PORT",
    "Sandbox back office (test applications only)",
)
CASHIER = Sandbox(
    "cashier",
    "sandboxes.cashier",
    "YIWANG_CASHIER_URL",
    "SANDBOX_CASHIER_PORT",
    "Sandbox cashier (no real money)",
)
LOGISTICS = Sandbox(
    "logistics",
    "sandboxes.logistics",
    "YIWANG_LOGISTICS_URL",
    "SANDBOX_LOGISTICS_PORT",
    "Sandbox logistics (test shipments only)",
)
SANDBOXES = (IDP, ELICENCE, BACKOFFICE, CASHIER, LOGISTICS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(sandbox: Sandbox, url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise SandboxError(
                f"{sandbox.announce} ({sandbox.module}) exited with {proc.returncode} "
                f"before answering on {url}"
            )
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{url}/health", timeout=1) as response,
        ):
            if response.status == 200:
                return
        if time.monotonic() > deadline:
            raise SandboxError(
                f"{sandbox.announce} ({sandbox.module}) did not answer on {url}/health "
                f"in {HEALTH_TIMEOUT_S:.0f}s"
            )
        time.sleep(0.1)


def _say(message: str) -> None:
    print(message, flush=True)


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def flow_sandboxes(
    env: Mapping[str, str],
    *,
    backoffice_db: Path,
    output: IO[bytes] | None = None,
    say: Callable[[str], None] = _say,
    python: str = sys.executable,
) -> Iterator[dict[str, str]]:
    """Start the sandboxes that ``env`` does not replace with a real service; yield the
    variables that point the app at them (empty when every service is real); stop them after.

    ``output`` receives the sandboxes' own output (default: inherited)."""
    added: dict[str, str] = {}
    procs: list[subprocess.Popen] = []
    try:
        for sandbox in SANDBOXES:
            if env.get(sandbox.url_var, "").strip():
                continue
            port = int(env.get(sandbox.port_var) or free_port())
            args = [python, "-m", sandbox.module, "--port", str(port)]
            if sandbox is BACKOFFICE:
                args += ["--db", env.get("SANDBOX_BACKOFFICE_DB") or str(backoffice_db)]
            child_env = dict(env)
            if sandbox is CASHIER:
                # one signing key shared by the sandbox and the app (a fresh one unless set)
                key = env.get("YIWANG_CASHIER_KEY") or secrets.token_urlsafe(24)
                child_env["YIWANG_CASHIER_KEY"] = added["YIWANG_CASHIER_KEY"] = key
                if env.get("SANDBOX_CASHIER_DB"):
                    args += ["--db", env["SANDBOX_CASHIER_DB"]]
            url = f"http://127.0.0.1:{port}"
            procs.append(
                subprocess.Popen(args, cwd=ROOT, env=child_env, stdout=output, stderr=output)
            )
            _wait_healthy(sandbox, url, procs[-1])
            added[sandbox.url_var] = url
            if sandbox is IDP:
                added["YIWANG_OIDC_CLIENT_ID"] = env.get("YIWANG_OIDC_CLIENT_ID") or "yiwang"
            say(f"{sandbox.announce} on {url}")
            if sandbox is BACKOFFICE:
                db = env.get("REFLEX_DB_URL")
                prefix = f"REFLEX_DB_URL={db} " if db else ""
                say(
                    f"  move one: {prefix}YIWANG_BACKOFFICE_URL={url} "
                    "python -m app.flow advance NUMBER STATUS [NOTE]"
                )
        yield added
    finally:
        _stop(procs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--backoffice-db",
        type=Path,
        default=ROOT / "backoffice-sandbox.db",
        help="the sandbox back office's store unless SANDBOX_BACKOFFICE_DB is set "
        "(default: backoffice-sandbox.db in the checkout)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run (python -m sandboxes -- COMMAND ...)")

    child: subprocess.Popen | None = None
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        # Stop the command first (as run.sh's trap did: SIGTERM); the sandboxes stop after it.
        stopping.append(signum)
        if child is not None and child.poll() is None:
            child.terminate()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    try:
        with flow_sandboxes(os.environ, backoffice_db=args.backoffice_db) as urls:
            if stopping:  # stopped while the sandboxes were starting
                return 128 + stopping[0]
            child = subprocess.Popen(command, env={**os.environ, **urls})
            code = child.wait()
            return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
