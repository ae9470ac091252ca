"""``python -m sandboxes.idp --port N``: serve the sandbox IdP on 127.0.0.1."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox OpenID Connect provider (loopback)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_IDP_PORT", 8765)))
    parser.add_argument("--client-id", default=os.environ.get("YIWANG_OIDC_CLIENT_ID", "yiwang"))
    parser.add_argument("--client-secret", default=os.environ.get("YIWANG_OIDC_CLIENT_SECRET", ""))
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=None,
        help="a registered redirect URI, matched exactly (repeat for several); default: the "
        "callbacks of the app's configured public URLs (app/security/public_url.py)",
    )
    args = parser.parse_args()
    if args.redirect_uri is None:
        from app.security.public_url import callback_urls

        args.redirect_uri = callback_urls()

    import uvicorn

    from sandboxes.idp import SandboxIdP

    idp = SandboxIdP(
        issuer=f"http://127.0.0.1:{args.port}",
        client_id=args.client_id,
        client_secret=args.client_secret,
        redirect_uris=tuple(args.redirect_uri),
    )
    uvicorn.run(idp.app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
