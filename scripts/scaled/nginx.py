"""nginx in front of scaled mode: one static frontend per province (``Site``), rendered from the
templates in ``deploy/nginx/`` with the security headers of the app."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from pathlib import Path

from scripts.scaled.common import DEPLOY, ROOT, ScaledError

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
        f"""# Rendered by scripts/scaled/nginx.py from deploy/nginx/: do not edit.
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
