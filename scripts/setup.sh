#!/usr/bin/env bash
# Installs what the app needs, idempotently: .venv with the project, a JavaScript runtime for
# Reflex, compiled translations, the migrated embedded database with its seed data.
#   scripts/setup.sh          runtime only (make run)
#   scripts/setup.sh --test   plus the test tools, Debian's Chromium and CJK fonts (make test)
#   scripts/setup.sh --scaled runtime plus the PostgreSQL driver and load client (make run-scaled)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"

with_test=0
with_scaled=0
[ "${1:-}" = "--test" ] && with_test=1
[ "${1:-}" = "--scaled" ] && with_scaled=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

version_ge() { # version_ge A B: A >= B (dotted numbers)
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# 1. Python environment (re-installed only when pyproject.toml changes).
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python >= 3.11 is required ($PY is $("$PY" --version 2>&1))" >&2; exit 1
fi
[ -x "$YW_VENV/bin/python" ] || { say "creating .venv"; "$PY" -m venv "$YW_VENV"; }
# Exact versions with hashes from the lock files (refresh them with make lock: scripts/lock.sh);
# scaled mode uses the test lock, which holds its driver and load client.
lock=requirements/runtime.txt
stamp="$YW_VENV/.yiwang-installed"
if [ $with_test = 1 ]; then lock=requirements/test.txt; stamp="$stamp-test"; fi
if [ $with_scaled = 1 ]; then lock=requirements/test.txt; stamp="$stamp-scaled"; fi
want="$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16)"
# This machine's pip configuration lists local package indexes (extra-index-url file://…), some
# of them absent; pip then warns once per package about the machine, not about the project.
# Only that message is dropped: pip's exit status and every other line come through.
pip_install() {
  "$YW_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@" \
    2> >(grep -v "^WARNING: Location 'file://.*' is ignored: it is neither a file nor a directory\.$" >&2 || true)
}
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing the project and $lock into .venv"
  pip_install --require-hashes -r "$lock"
  pip_install --no-deps -e .
  echo "$want" > "$stamp"
fi

# 2. A JavaScript runtime for Reflex's frontend build.
BUN_VERSION=1.4.4
NODE_MIN=22.22.0
sys_bun="$(command -v bun || true)"
if [ -n "$sys_bun" ] && version_ge "$(bun --version 2>/dev/null || echo 0)" "$BUN_VERSION"; then
  : # a suitable bun is on PATH (possibly our own from an earlier run)
elif command -v node >/dev/null 2>&1 && version_ge "$(node --version | tr -d v)" "$NODE_MIN"; then
  : # a suitable Node; Reflex uses it
else
  say "installing bun $BUN_VERSION from the npm registry into .tools/"
  command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch bun (apt-get install npm)" >&2; exit 1; }
  npm install --silent --no-audit --no-fund --prefix "$YW_TOOLS" "bun@$BUN_VERSION" >/dev/null
  "$YW_TOOLS/node_modules/.bin/bun" --version >/dev/null
fi
source "$(dirname "$0")/env.sh"

# 3. Browser and fonts for the end-to-end tests.
if [ $with_test = 1 ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      say "installing ${need[*]} from Debian"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      echo "The e2e tests need Debian's ${need[*]}: run 'sudo apt-get install -y ${need[*]}'" >&2
      exit 1
    fi
  fi
fi

# 3b. The independent OpenID Connect provider of the interop tests (npm oidc-provider, pinned
#     in e2e/oidc_provider/package-lock.json) into .tools/oidc-provider; again only when the
#     lock file changes.
if [ $with_test = 1 ]; then
  op_dir="$YW_TOOLS/oidc-provider"
  op_want="$(cat e2e/oidc_provider/package.json e2e/oidc_provider/package-lock.json | sha256sum | cut -c1-16)"
  if [ "$(cat "$op_dir/.yiwang-installed" 2>/dev/null)" != "$op_want" ] || [ ! -d "$op_dir/node_modules/oidc-provider" ]; then
    say "installing oidc-provider (interop tests) from the npm registry into .tools/"
    command -v npm >/dev/null 2>&1 || { echo "npm is needed for the interop tests (apt-get install npm)" >&2; exit 1; }
    mkdir -p "$op_dir"
    cp e2e/oidc_provider/package.json e2e/oidc_provider/package-lock.json "$op_dir/"
    npm ci --silent --no-audit --no-fund --prefix "$op_dir" >/dev/null
    echo "$op_want" > "$op_dir/.yiwang-installed"
  fi
fi

# 4. Translations and the database.
say "compiling translations"
python -m scripts.i18n compile
if [ -d app/catalogue ]; then
  say "migrating the database and loading the province catalogues (skipped when unchanged)"
  python -m app.catalogue migrate
  python -m app.catalogue sync
fi
