"""``python -m sandboxes.logistics --port N [--step-seconds S] [--db PATH]``:
serve the sandbox logistics service on 127.0.0.1."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox logistics (loopback)")
    env = os.environ.get
    parser.add_argument("--port", type=int, default=int(env("SANDBOX_LOGISTICS_PORT", 8770)))
    parser.add_argument("--token", default=env("YIWANG_LOGISTICS_TOKEN", ""))
    parser.add_argument("--db", default=env("SANDBOX_LOGISTICS_DB", ":memory:"))
    parser.add_argument(
        "--step-seconds",
        type=float,
        default=float(env("SANDBOX_LOGISTICS_STEP_S", "60")),
        help="a shipment moves one step every S seconds (0: only by the operator)",
    )
    args = parser.parse_args()

    import uvicorn

    from sandboxes.logistics import make_app

    uvicorn.run(
        make_app(args.token, args.db, args.step_seconds),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
