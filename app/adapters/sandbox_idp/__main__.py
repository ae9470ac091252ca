"""``python -m app.adapters.sandbox_idp --port N``: serve the sandbox IdP on 127.0.0.1."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox OpenID Connect provider (loopback)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_IDP_PORT", 8765)))
    parser.add_argument("--client-id", default=os.environ.get("YIWANG_OIDC_CLIENT_ID", "yiwang"))
    parser.add_argument("--client-secret", default=os.environ.get("YIWANG_OIDC_CLIENT_SECRET", ""))
    args = parser.parse_args()

    import uvicorn

    from app.adapters.sandbox_idp import SandboxIdP

    idp = SandboxIdP(
        issuer=f"http://127.0.0.1:{args.port}",
        client_id=args.client_id,
        client_secret=args.client_secret,
    )
    uvicorn.run(idp.app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
