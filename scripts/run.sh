#!/usr/bin/env bash
# Builds the production frontend and serves the app on one port (PORT, default 3000).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"
PORT="${PORT:-3000}"
echo "Yiwang (${YIWANG_PROVINCE_DIR:-${YIWANG_PROVINCE:-default province}}) on http://localhost:$PORT"
exec reflex run --env prod --single-port --frontend-port "$PORT"
