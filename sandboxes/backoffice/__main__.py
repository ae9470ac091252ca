"""``python -m sandboxes.backoffice --port N [--db PATH]``: serve the sandbox
back office on 127.0.0.1."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox back office (loopback)")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SANDBOX_BACKOFFICE_PORT", 8767))
    )
    parser.add_argument("--token", default=os.environ.get("YIWANG_BACKOFFICE_TOKEN", ""))
    parser.add_argument(
        "--db",
        default=os.environ.get("SANDBOX_BACKOFFICE_DB", ":memory:"),
        help="SQLite file of the sandbox's own store (default: in memory)",
    )
    args = parser.parse_args()

    import uvicorn

    from sandboxes.backoffice import make_app

    uvicorn.run(
        make_app(args.token, args.db), host="127.0.0.1", port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
