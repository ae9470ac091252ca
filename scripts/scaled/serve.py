"""The app in scaled mode: the frontends built, granian workers behind nginx, the flow's
sandboxes beside them (``scaled_app``), and the processes' readiness and stopping."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sandboxes.launcher import SandboxError, flow_sandboxes
from scripts.scaled.common import (
    BUILD_TIMEOUT_S,
    ROOT,
    START_TIMEOUT_S,
    STATE,
    ScaledError,
    free_port,
    log_tail,
    nginx_bin,
    say,
)
from scripts.scaled.nginx import Site, host_sites, nginx_config
from scripts.scaled.services import migrate_and_seed, pg_url, python, redis_url, start_services


def app_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "REFLEX_DB_URL": pg_url(),
        "REFLEX_REDIS_URL": redis_url(),
        "REFLEX_TRUSTED_PROXY_HOPS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
    }
    env["PATH"] = (
        f"{ROOT / '.venv' / 'bin'}:{ROOT / '.tools' / 'node_modules' / '.bin'}:{env['PATH']}"
    )
    if (ROOT / ".tools" / "node_modules" / ".bin" / "bun").exists() or shutil.which("bun"):
        env["REFLEX_USE_SYSTEM_BUN"] = "1"
    env.update(extra or {})
    return env


def build_frontend(site: Site, public_url: str, log: Path) -> None:
    """``reflex export --frontend-only`` into site.web_dir, pointing at ``public_url``."""
    env = app_env(
        {**site.env, "REFLEX_WEB_WORKDIR": str(site.web_dir), "REFLEX_API_URL": public_url}
    )
    with log.open("ab") as out:
        result = subprocess.run(
            ["reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT_S,
        )  # fmt: skip
    if result.returncode != 0 or not (site.root / "index.html").exists():
        raise ScaledError(f"the frontend build for {site.server_names} failed:\n{log_tail(log)}")


@dataclass
class Running:
    base_url: str
    port: int
    backend_port: int
    backend: subprocess.Popen
    nginx: subprocess.Popen
    run_dir: Path

    def worker_pids(self) -> list[int]:
        """The granian worker processes (children of the granian supervisor)."""
        return [p for p in descendants(self.backend.pid) if _is_worker(p)]

    def server_pids(self) -> list[int]:
        return [self.backend.pid, *descendants(self.backend.pid)]


def descendants(pid: int) -> list[int]:
    children: list[int] = []
    try:
        direct = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return children
    for child in map(int, direct):
        children.append(child)
        children.extend(descendants(child))
    return children


def _is_worker(pid: int) -> bool:
    """A granian worker: a process whose parent is a python process with children of its own."""
    try:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        cmd = Path(f"/proc/{parent}/cmdline").read_bytes()
    except (OSError, ValueError, IndexError):
        return False
    return b"python" in cmd and not descendants(pid)


def wait_ready(base: str, procs: list[subprocess.Popen], log: Path, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        for proc in procs:
            if proc.poll() is not None:
                raise ScaledError(
                    f"a part of the app exited with {proc.returncode}:\n{log_tail(log)}"
                )
        with contextlib.suppress(httpx.HTTPError):
            if (
                httpx.get(f"{base}/ping", timeout=2).status_code == 200
                and httpx.get(f"{base}/", timeout=5).is_success
            ):
                return
        if time.monotonic() > deadline:
            raise ScaledError(f"the app did not answer in {timeout:.0f}s:\n{log_tail(log)}")
        time.sleep(0.5)


def stop_process(proc: subprocess.Popen, timeout: float = 20) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def start_backend(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {**env, "GRANIAN_WORKERS": str(workers)}
    with log.open("ab") as out:
        return subprocess.Popen(
            # python -m scripts.backend: reflex run --env prod --backend-only, dead workers replaced
            [python(), "-m", "scripts.backend", "--backend-host", "127.0.0.1",
             "--backend-port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


@contextlib.contextmanager
def scaled_app(
    env: dict[str, str] | None = None,
    port: int | None = None,
    log: Path | None = None,
    workers: int | None = None,
    sites: list[Site] | None = None,
    build: bool = True,
) -> Iterator[Running]:
    """PostgreSQL + Redis (shared), granian workers and nginx for one app; yield it running.

    ``env`` is the app's own environment (province, hosts, web workdir); the frontend is built
    into ``<REFLEX_WEB_WORKDIR or .web>-scaled`` unless ``sites`` names the builds.
    """
    env = dict(env or {})
    port = port or free_port()
    workers = workers or int(os.environ.get("YW_WORKERS", "3"))
    backend_port = free_port()
    run_dir = STATE / f"run-{port}"
    run_dir.mkdir(parents=True, exist_ok=True)
    log = log or ROOT / "reports" / f"scaled-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    start_services(seed=not os.environ.get("YW_SCALED_SEEDED"))
    os.environ["YW_SCALED_SEEDED"] = "1"  # later apps of this process share the seeded DB
    if any(k in env for k in ("YIWANG_PROVINCE_DIR", "YIWANG_HOSTS")):
        migrate_and_seed(env)  # this app's own folders (skipped when unchanged)
    public = f"http://localhost:{port}"
    if sites is None:
        web = Path(env.get("REFLEX_WEB_WORKDIR", ".web"))
        web = web if web.is_absolute() else ROOT / web
        if not web.is_relative_to(ROOT):
            # nginx's workers (user nobody) cannot read private temporary directories such as
            # pytest's: a build of its own goes under .tools/scaled instead.
            web = STATE / f"web-{port}"
        web = web.with_name(web.name + "-scaled")
        sites = (
            host_sites(web, env)
            if env.get("YIWANG_HOSTS")
            else [Site(web, ["_"], env, default=True)]
        )
    origins = {f"http://localhost:{port}", f"http://127.0.0.1:{port}"}
    for site in sites:
        origins.update(f"http://{n}:{port}" for n in site.server_names if n != "_")
    hosts = env.get("YIWANG_HOSTS", "")
    origins.update(
        f"http://{pair.split('=')[0].strip()}:{port}" for pair in hosts.split(",") if "=" in pair
    )
    env.setdefault("YIWANG_CORS_ORIGINS", ",".join(sorted(origins)))
    # login callbacks are built from the public URL only (app/security/public_url.py)
    env.setdefault("YIWANG_PUBLIC_URL", f"http://127.0.0.1:{port}")
    if build:
        for site in (s for s in sites if s.build):
            say(f"building the static frontend for {' '.join(site.server_names)} -> {site.root}")
            build_frontend(site, public, log)
    backend_env = app_env({**env, "REFLEX_WEB_WORKDIR": str(sites[0].web_dir)})
    with contextlib.ExitStack() as stack:
        # The flow's sandboxes (identity, e-licence, back office), as scripts/run.sh starts
        # them: unless the environment names the real services. The back office's store sits
        # beside PostgreSQL's data: its application numbers are those of this database.
        try:
            out = stack.enter_context(log.open("ab"))
            backend_env.update(
                stack.enter_context(
                    flow_sandboxes(
                        backend_env, backoffice_db=STATE / "backoffice-sandbox.db",
                        output=out, python=python(),
                    )
                )
            )  # fmt: skip
        except SandboxError as exc:
            raise ScaledError(str(exc)) from exc
        say(f"starting {workers} granian workers on 127.0.0.1:{backend_port}")
        backend = start_backend(backend_env, backend_port, workers, log)
        stack.callback(stop_process, backend)
        conf = nginx_config(run_dir, port, backend_port, sites)
        test = subprocess.run([nginx_bin(), "-t", "-c", str(conf), "-p", str(run_dir)],
                              capture_output=True, text=True)  # fmt: skip
        if test.returncode != 0:
            raise ScaledError(f"nginx refused {conf}:\n{test.stderr}")
        nginx = subprocess.Popen(
            [nginx_bin(), "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        stack.callback(stop_process, nginx)
        running = Running(f"http://127.0.0.1:{port}", port, backend_port, backend, nginx, run_dir)
        wait_ready(running.base_url, [backend, nginx], log, START_TIMEOUT_S)
        yield running
