"""Scaled mode: PostgreSQL, Redis, several granian workers and nginx in front, all on loopback.

    python -m scripts.scaled run         install what is missing, start everything, serve (make run-scaled)
    python -m scripts.scaled packages    install the Debian packages only (make test does, first)
    python -m scripts.scaled services    start PostgreSQL and Redis only (migrated and seeded)
    python -m scripts.scaled stop        stop PostgreSQL and Redis started by this checkout
    python -m scripts.scaled status      print the URLs and whether each service answers

Everything lives under ``.tools/scaled/`` (data directories, logs, rendered nginx config) and
listens on its own loopback ports, so no system service is used or disturbed. Debian's
``postgresql``, ``redis-server`` and ``nginx`` packages are installed with apt-get when missing
(as root). The e2e suite uses :func:`scaled_app` through ``YIWANG_E2E_MODE=scaled``.

Environment: ``YW_PG_PORT`` (25439), ``YW_REDIS_PORT`` (26389), ``PORT`` (public nginx port,
3000), ``YW_WORKERS`` (granian workers, 3), ``YIWANG_SCALED_PROVINCES`` (comma-separated
province codes, one static build each; default: the active province).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sandboxes.launcher import SandboxError, flow_sandboxes

ROOT = Path(__file__).resolve().parent.parent
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


# ---------------------------------------------------------------------------------------------
# The app: static frontends behind nginx, granian workers behind nginx


@dataclass
class Site:
    """One static frontend: a province build served for some host names."""

    web_dir: Path
    server_names: list[str]
    env: dict[str, str] = field(default_factory=dict)
    default: bool = False
    #: (text, replacement) pairs nginx applies to this site's HTML (a shared multi-province
    #: build served for one province's hosts: app/pages/host_html.py)
    rewrites: list[tuple[str, str]] = field(default_factory=list)
    build: bool = True  # False: another site's build (same web_dir) serves it too

    @property
    def root(self) -> Path:
        return self.web_dir / "build" / "client"


def render(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    try:
        return string.Template(text).substitute(values)
    except KeyError as exc:
        raise ScaledError(f"{template}: no value for placeholder ${exc.args[0]}") from exc


def _nginx_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def sub_filters(pairs: list[tuple[str, str]]) -> str:
    """nginx lines replacing each text once in HTML answers (none for no pairs)."""
    if not pairs:
        return ""
    lines = ["        gzip_static off;", "        sub_filter_once on;"]
    lines += [f"        sub_filter {_nginx_string(a)} {_nginx_string(b)};" for a, b in pairs]
    return "\n".join(lines)


def host_sites(web: Path, env: dict[str, str]) -> list[Site]:
    """One multi-province build, served for each province's hosts with its own HTML rewrites
    (YIWANG_HOSTS), and as the default for any other host."""
    from app.pages.host_html import substitutions
    from app.settings import parse_hosts
    from themes import load_theme

    default_theme = load_theme(province_folder(env))
    by_folder: dict[Path, list[str]] = {}
    for host, folder in parse_hosts(env.get("YIWANG_HOSTS", "")).items():
        by_folder.setdefault(folder, []).append(host)
    sites = [Site(web, ["_"], env, default=True)]
    for folder, names in by_folder.items():
        theme = load_theme(folder)
        if theme.code == default_theme.code:
            sites[0].server_names += names
            continue
        rewrites = substitutions(default_theme, theme)
        sites.append(Site(web, names, env, rewrites=rewrites, build=False))
    return sites


def province_folder(env: dict[str, str]) -> Path:
    from themes.loader import province_dir_from_env

    return province_dir_from_env({**os.environ, **env})


def nginx_config(run_dir: Path, port: int, backend_port: int, sites: list[Site]) -> Path:
    """Render deploy/nginx/yiwang.conf (+ one province server block per site) for this run."""
    from app.security.headers import csp_for_build

    servers = [
        render(
            DEPLOY / "province.conf",
            {
                "LISTEN": f"127.0.0.1:{port}" + (" default_server" if site.default else ""),
                "SERVER_NAMES": " ".join(site.server_names),
                "STATIC_ROOT": str(site.root),
                # the build's inline scripts by hash (app/security/headers.py)
                "CSP": csp_for_build(site.root, site.env),
                "HTML_REWRITES": sub_filters(site.rewrites),
            },
        )
        for site in sites
    ]
    http = render(DEPLOY / "yiwang.conf", {"BACKEND": f"127.0.0.1:{backend_port}"})
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(
        f"""# Rendered by scripts/scaled.py from deploy/nginx/: do not edit.
worker_processes 1;
worker_rlimit_nofile 40000;
pid {run_dir / "nginx.pid"};
error_log {run_dir / "nginx-error.log"} warn;
events {{ worker_connections 16000; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path {run_dir / "tmp/client_body"};
  proxy_temp_path {run_dir / "tmp/proxy"};
  fastcgi_temp_path {run_dir / "tmp/fastcgi"};
  uwsgi_temp_path {run_dir / "tmp/uwsgi"};
  scgi_temp_path {run_dir / "tmp/scgi"};
{http}
{"".join(servers)}
}}
"""
    )
    return conf


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


def province_sites(codes: list[str], port: int) -> tuple[list[Site], dict[str, str]]:
    """One static build per province, served for ``<code>.localhost``; the first is default."""
    sites = [
        Site(ROOT / f".web-scaled-{code}", [f"{code}.localhost"], {"YIWANG_PROVINCE": code},
             default=(i == 0))
        for i, code in enumerate(codes)
    ]  # fmt: skip
    sites[0].server_names.append("localhost")
    hosts = ",".join(f"{code}.localhost={code}" for code in codes)
    return sites, {"YIWANG_PROVINCE": codes[0], "YIWANG_HOSTS": hosts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("command", choices=["run", "packages", "services", "stop", "status"])
    args = parser.parse_args(argv)
    try:
        if args.command == "packages":
            ensure_packages()
        elif args.command == "services":
            start_services()
            print(f"PostgreSQL {pg_url()}\nRedis      {redis_url()}")
        elif args.command == "stop":
            stop_services()
            print("stopped PostgreSQL and Redis of this checkout")
        elif args.command == "status":
            print(f"PostgreSQL {pg_url()}: {'up' if port_open(PG_PORT) else 'down'}")
            print(f"Redis      {redis_url()}: {'up' if port_open(REDIS_PORT) else 'down'}")
        else:
            # Ctrl-C, kill PID or a closed terminal stop the app, its sandboxes and nginx alike
            # (also when started in the background, where SIGINT arrives ignored).
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for signum in (signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, _interrupt)
            port = int(os.environ.get("PORT", "3000"))
            default = os.environ.get("YIWANG_PROVINCE", "shandong")
            codes = [
                c.strip()
                for c in os.environ.get("YIWANG_SCALED_PROVINCES", default).split(",")
                if c.strip()
            ]
            sites, env = province_sites(codes, port)
            with scaled_app(env, port=port, sites=sites) as app:
                names = ", ".join(f"http://{s.server_names[0]}:{port}" for s in sites)
                print(f"Yiwang (scaled) on {app.base_url} and {names}; "
                      f"{len(app.worker_pids())} workers; Ctrl-C stops the app "
                      "(PostgreSQL and Redis keep running: scripts/scaled.py stop)", flush=True)  # fmt: skip
                with contextlib.suppress(KeyboardInterrupt):
                    while app.backend.poll() is None and app.nginx.poll() is None:
                        time.sleep(1)
    except ScaledError as exc:
        print(f"scaled mode: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
