#!/usr/bin/env bash
# Builds the production frontend and serves the app on one port (PORT, default 3000).
#
# Unless YIWANG_OIDC_ISSUER names a real identity provider, the sandbox OIDC provider
# (test accounts only) runs on 127.0.0.1 beside the app, on SANDBOX_IDP_PORT or a free port,
# so that login works out of the box; likewise the sandbox e-licence service unless
# YIWANG_ELICENCE_URL is set (SANDBOX_ELICENCE_PORT or a free port), and the sandbox back
# office unless YIWANG_BACKOFFICE_URL is set (SANDBOX_BACKOFFICE_PORT or a free port; its store
# is SANDBOX_BACKOFFICE_DB, default backoffice-sandbox.db beside yiwang.db). All stop with the
# app. sandboxes/launcher.py starts them (scripts/scaled/ uses it too).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"
PORT="${PORT:-3000}"
# Owner-only files (states, database, private files, logs); the login callback and allowed
# origins come from the public URL only (app/security/public_url.py): set it to the address
# citizens use; the default suits a browser on this machine.
umask 077
export YIWANG_PUBLIC_URL="${YIWANG_PUBLIC_URL:-http://localhost:$PORT}"

echo "Yiwang (${YIWANG_PROVINCE_DIR:-${YIWANG_PROVINCE:-default province}}) on $YIWANG_PUBLIC_URL"
# The catalogues of the provinces this instance serves, from their folders: all or nothing,
# skipped when the files are unchanged since the last load (app/ingest.py).
python -m app.catalogue migrate >/dev/null
python -m app.catalogue sync
# scripts/reflex_run.py: reflex run, keeping the citizens' states across restarts
exec python -m sandboxes --backoffice-db "$YW_ROOT/backoffice-sandbox.db" -- \
  python -m scripts.reflex_run --env prod --single-port --frontend-port "$PORT"
