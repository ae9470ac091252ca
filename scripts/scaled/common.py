"""What the parts of scaled mode share: where its files and ports are, its error, small process
and port helpers, and the Debian packages it needs (``ensure_packages``)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".tools" / "scaled"
DEPLOY = ROOT / "deploy" / "nginx"
PG_PORT = int(os.environ.get("YW_PG_PORT", "25439"))
REDIS_PORT = int(os.environ.get("YW_REDIS_PORT", "26389"))
PG_DB = "yiwang"
BUILD_TIMEOUT_S = 900
START_TIMEOUT_S = 180
APT_PACKAGES = {"postgresql": "initdb", "redis-server": "redis-server", "nginx": "nginx"}


class ScaledError(RuntimeError):
    """A part of the scaled stack could not be installed or started (the message says which)."""


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def log_tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return f"({log} does not exist)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# Debian packages


def pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _have(package: str) -> bool:
    if package == "postgresql":
        return pg_bin("initdb") is not None
    if package == "nginx":
        return Path("/usr/sbin/nginx").exists() or shutil.which("nginx") is not None
    return shutil.which(APT_PACKAGES[package]) is not None


def nginx_bin() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def ensure_packages() -> None:
    """apt-get install the Debian packages that are missing (root only; otherwise say how)."""
    missing = [p for p in APT_PACKAGES if not _have(p)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise ScaledError(
            f"scaled mode needs Debian's {' '.join(missing)}: "
            f"run 'sudo apt-get install -y {' '.join(missing)}'"
        )
    say(f"installing {' '.join(missing)} from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    still = [p for p in missing if not _have(p)]
    if still:
        raise ScaledError(f"apt-get ran but {' '.join(still)} is still missing")
