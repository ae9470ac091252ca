"""``python -m sandboxes.cashier --port N --key KEY [--db PATH]``: serve the
sandbox cashier on 127.0.0.1."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox cashier (loopback)")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SANDBOX_CASHIER_PORT", 8769))
    )
    parser.add_argument("--key", default=os.environ.get("YIWANG_CASHIER_KEY", ""))
    parser.add_argument("--merchant", default=os.environ.get("YIWANG_CASHIER_MERCHANT") or "yiwang")
    parser.add_argument("--db", default=os.environ.get("SANDBOX_CASHIER_DB", ":memory:"))
    args = parser.parse_args()

    import uvicorn

    from sandboxes.cashier import make_app

    uvicorn.run(
        make_app(args.key, args.db, args.merchant),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
