"""Reflex configuration for Yiwang.

Everything a deployment changes comes from the environment, so one checkout serves any
province: ``YIWANG_PROVINCE`` (or ``YIWANG_PROVINCE_DIR``) picks the theme folder, which
``app/app.py`` loads at build time; ``REFLEX_DB_URL`` switches the embedded SQLite database
to PostgreSQL; ``REFLEX_REDIS_URL`` turns on Redis state and several workers.
"""

import sys

import reflex as rx

from app.db import database_url
from app.security.public_url import PublicURLError, allowed_origins

try:
    _ORIGINS = allowed_origins()
except PublicURLError as _exc:  # production without its public URL: refuse, name the setting
    print(f"Yiwang cannot start: {_exc}", file=sys.stderr)
    raise SystemExit(2) from None


config = rx.Config(
    app_name="app",
    # db_url has no default in Reflex 0.10; the embedded default is SQLite in the checkout
    # (app.db: the app's own engine reads the same URL, without Reflex).
    db_url=database_url(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The sitemap needs a public deploy URL that only a real deployment knows.
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Credentialed CORS and websockets only for this deployment's own public URLs (one per
    # host) and YIWANG_CORS_ORIGINS (app/security/public_url.py); never Reflex's "*".
    cors_allowed_origins=_ORIGINS,
)
