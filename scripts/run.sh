#!/usr/bin/env bash
# Builds the production frontend and serves the app on one port (PORT, default 3000).
#
# Unless YIWANG_OIDC_ISSUER names a real identity provider, the sandbox OIDC provider
# (test accounts only) runs on 127.0.0.1 beside the app, on SANDBOX_IDP_PORT or a free port,
# so that login works out of the box; likewise the sandbox e-licence service unless
# YIWANG_ELICENCE_URL is set (SANDBOX_ELICENCE_PORT or a free port), and the sandbox back
# office unless YIWANG_BACKOFFICE_URL is set (SANDBOX_BACKOFFICE_PORT or a free port; its store
# is SANDBOX_BACKOFFICE_DB, default backoffice-sandbox.db beside yiwang.db). All stop with the app.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"
PORT="${PORT:-3000}"

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop EXIT INT TERM

free_port() {
  python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # wait_for URL: until it answers (at most 10 s)
  for _ in $(seq 1 100); do
    python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" \
      2>/dev/null && return 0
    sleep 0.1
  done
  echo "warning: $1 did not answer" >&2
}

if [ -z "${YIWANG_OIDC_ISSUER:-}" ]; then
  IDP_PORT="${SANDBOX_IDP_PORT:-$(free_port)}"
  python -m app.adapters.sandbox_idp --port "$IDP_PORT" &
  pids+=($!)
  export YIWANG_OIDC_ISSUER="http://127.0.0.1:$IDP_PORT"
  export YIWANG_OIDC_CLIENT_ID="${YIWANG_OIDC_CLIENT_ID:-yiwang}"
  wait_for "$YIWANG_OIDC_ISSUER/health"
  echo "Sandbox identity provider (test accounts only) on $YIWANG_OIDC_ISSUER"
fi

if [ -z "${YIWANG_ELICENCE_URL:-}" ]; then
  ELICENCE_PORT="${SANDBOX_ELICENCE_PORT:-$(free_port)}"
  python -m app.adapters.sandbox_elicence --port "$ELICENCE_PORT" &
  pids+=($!)
  export YIWANG_ELICENCE_URL="http://127.0.0.1:$ELICENCE_PORT"
  wait_for "$YIWANG_ELICENCE_URL/health"
  echo "Sandbox e-licence service (test licences only) on $YIWANG_ELICENCE_URL"
fi

if [ -z "${YIWANG_BACKOFFICE_URL:-}" ]; then
  BACKOFFICE_PORT="${SANDBOX_BACKOFFICE_PORT:-$(free_port)}"
  python -m app.adapters.sandbox_backoffice --port "$BACKOFFICE_PORT" \
    --db "${SANDBOX_BACKOFFICE_DB:-$YW_ROOT/backoffice-sandbox.db}" &
  pids+=($!)
  export YIWANG_BACKOFFICE_URL="http://127.0.0.1:$BACKOFFICE_PORT"
  wait_for "$YIWANG_BACKOFFICE_URL/health"
  echo "Sandbox back office (test applications only) on $YIWANG_BACKOFFICE_URL"
  echo "  move one: YIWANG_BACKOFFICE_URL=$YIWANG_BACKOFFICE_URL python -m app.flow advance NUMBER STATUS [NOTE]"
fi

echo "Yiwang (${YIWANG_PROVINCE_DIR:-${YIWANG_PROVINCE:-default province}}) on http://localhost:$PORT"
# scripts/reflex_run.py: reflex run, keeping the citizens' states across restarts
python "$YW_ROOT/scripts/reflex_run.py" --env prod --single-port --frontend-port "$PORT" &
pids+=($!)
wait "${pids[-1]}"
