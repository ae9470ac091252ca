"""``python -m sandboxes.elicence --port N``: serve the sandbox on 127.0.0.1."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox e-licence service (loopback)")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SANDBOX_ELICENCE_PORT", 8766))
    )
    parser.add_argument("--token", default=os.environ.get("YIWANG_ELICENCE_TOKEN", ""))
    args = parser.parse_args()

    import uvicorn

    from sandboxes.elicence import make_app

    uvicorn.run(make_app(args.token), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
