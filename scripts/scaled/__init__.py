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

from scripts.scaled.common import (
    APT_PACKAGES,
    BUILD_TIMEOUT_S,
    DEPLOY,
    PG_DB,
    PG_PORT,
    REDIS_PORT,
    ROOT,
    START_TIMEOUT_S,
    STATE,
    ScaledError,
    ensure_packages,
    free_port,
    log_tail,
    nginx_bin,
    pg_bin,
    port_open,
    say,
)
from scripts.scaled.nginx import (
    Site,
    host_sites,
    nginx_config,
    province_folder,
    province_sites,
    render,
    sub_filters,
)
from scripts.scaled.serve import (
    Running,
    app_env,
    build_frontend,
    descendants,
    scaled_app,
    start_backend,
    stop_process,
    wait_ready,
)
from scripts.scaled.services import (
    migrate_and_seed,
    pg_data,
    pg_url,
    python,
    redis_dir,
    redis_url,
    start_postgres,
    start_redis,
    start_services,
    stop_postgres,
    stop_redis,
    stop_services,
)

__all__ = [
    "APT_PACKAGES",
    "BUILD_TIMEOUT_S",
    "DEPLOY",
    "PG_DB",
    "PG_PORT",
    "REDIS_PORT",
    "ROOT",
    "START_TIMEOUT_S",
    "STATE",
    "Running",
    "ScaledError",
    "Site",
    "app_env",
    "build_frontend",
    "descendants",
    "ensure_packages",
    "free_port",
    "host_sites",
    "log_tail",
    "migrate_and_seed",
    "nginx_bin",
    "nginx_config",
    "pg_bin",
    "pg_data",
    "pg_url",
    "port_open",
    "province_folder",
    "province_sites",
    "python",
    "redis_dir",
    "redis_url",
    "render",
    "say",
    "scaled_app",
    "start_backend",
    "start_postgres",
    "start_redis",
    "start_services",
    "stop_postgres",
    "stop_process",
    "stop_redis",
    "stop_services",
    "sub_filters",
    "wait_ready",
]
