#!/usr/bin/env bash
# Builds the production frontend and serves the app on one port (PORT, default 3000).
# Unless YIWANG_OIDC_ISSUER names a real identity provider, the sandbox OIDC provider runs
# on loopback beside the app (SANDBOX_IDP_PORT, default PORT+1) and stops with it, so that
# login works out of the box with the test accounts.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"
PORT="${PORT:-3000}"

if [ -z "${YIWANG_OIDC_ISSUER:-}" ]; then
  IDP_PORT="${SANDBOX_IDP_PORT:-$((PORT + 1))}"
  python -m app.adapters.sandbox_idp --port "$IDP_PORT" &
  idp_pid=$!
  trap 'kill "$idp_pid" 2>/dev/null || true' EXIT INT TERM
  export YIWANG_OIDC_ISSUER="http://127.0.0.1:$IDP_PORT"
  export YIWANG_OIDC_CLIENT_ID="${YIWANG_OIDC_CLIENT_ID:-yiwang}"
  for _ in $(seq 1 50); do  # wait until it answers (at most 5 s)
    python - "$YIWANG_OIDC_ISSUER" 2>/dev/null <<'PY' && break || sleep 0.1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/health", timeout=1)
PY
  done
  echo "Sandbox identity provider (test accounts only) on $YIWANG_OIDC_ISSUER"
fi

echo "Yiwang (${YIWANG_PROVINCE:-default province}) on http://localhost:$PORT"
reflex run --env prod --single-port --frontend-port "$PORT" &
app_pid=$!
trap 'kill "$app_pid" 2>/dev/null || true; kill "${idp_pid:-}" 2>/dev/null || true' EXIT INT TERM
wait "$app_pid"
