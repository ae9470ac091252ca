"""``python -m scripts.scaled run|packages|services|stop|status`` (the package's docstring)."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time

import scripts.scaled as scaled
from scripts.scaled.common import PG_PORT, REDIS_PORT, ScaledError, ensure_packages, port_open
from scripts.scaled.nginx import province_sites
from scripts.scaled.serve import scaled_app
from scripts.scaled.services import pg_url, redis_url, start_services, stop_services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.scaled",
        description=scaled.__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
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
                      "(PostgreSQL and Redis keep running: python -m scripts.scaled stop)", flush=True)  # fmt: skip
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
