# Shared environment for every Yiwang script: source it, don't run it.
# Puts the project's venv and the JavaScript runtime Reflex needs on PATH.
YW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export YW_ROOT
export YW_VENV="$YW_ROOT/.venv"
export YW_TOOLS="$YW_ROOT/.tools"
export PATH="$YW_VENV/bin:$YW_TOOLS/node_modules/.bin:$PATH"
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
export PYTHONDONTWRITEBYTECODE=1
# Reflex 0.10 wants bun >= 1.4.4 or Node >= 22.22; scripts/setup.sh provides one of them.
if [ -x "$YW_TOOLS/node_modules/.bin/bun" ] || command -v bun >/dev/null 2>&1; then
  export REFLEX_USE_SYSTEM_BUN=1
fi
