#!/usr/bin/env bash
# The whole test run (make test, and CI through .ci/run): install from scratch, then lint,
# static checks, unit tests, and the e2e suite twice: against the embedded production build
# (one port, SQLite) and against the scaled stack (nginx, granian workers, Redis, PostgreSQL).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"

bash scripts/setup.sh --test
source scripts/env.sh

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Every binary a test needs is installed before any test runs (Chromium and fonts by setup.sh,
# PostgreSQL, Redis and nginx here), and CI=true turns any skip that is not the choice of a
# mode into a failure (conftest.py): a missing binary cannot hide a test.
export CI="${CI:-true}"
step "Debian's postgresql, redis-server and nginx"
python -m scripts.scaled packages

step "ruff"
ruff check .
ruff format --check .

step "types (pyright)"
pyright

step "translations are extracted and complete"
python -m scripts.i18n check

step "every province folder is valid"
for folder in themes/*/; do
  if [ -f "$folder/theme.toml" ]; then python -m themes check "$folder"; fi
done

step "unit and integration tests (random order: pytest-randomly prints the seed)"
YW_TEST_POSTGRES=1 python -m pytest tests

# e2e keeps file order: one production build per session serves every test, and a journey
# reads best as written (each test still makes its own data).
step "end-to-end tests (production build, Chromium)"
rm -f reports/e2e/results.json  # the conformance report's evidence is this run's, nothing older
python -m pytest e2e -p no:cacheprovider -p no:randomly

# The same suite against the scaled stack: nginx (deploy/nginx) in front of static builds and
# several granian workers, state in Redis, catalogue and applications in PostgreSQL, the flow's
# sandboxes beside them. scripts/scaled/ installs Debian's postgresql, redis-server and nginx
# when missing (as root) and runs them on loopback ports of this checkout (YW_PG_PORT,
# YW_REDIS_PORT: set them when another checkout on the machine runs scaled mode too); they are
# stopped when the run ends, whatever its outcome.
export YW_PG_PORT="${YW_PG_PORT:-25439}" YW_REDIS_PORT="${YW_REDIS_PORT:-26389}"
step "scaled mode's services (PostgreSQL on $YW_PG_PORT, Redis on $YW_REDIS_PORT)"
trap 'python -m scripts.scaled stop >/dev/null 2>&1 || true' EXIT
python -m scripts.scaled services

# The PostgreSQL search index: scripts.scaled has installed the server binaries; the tests start a
# throwaway cluster of their own on a free loopback port (and fail, never skip, without them).

step "end-to-end tests in scaled mode (nginx, 3 workers, Redis, PostgreSQL)"
YIWANG_E2E_MODE=scaled python -m pytest e2e -p no:cacheprovider -p no:randomly

# The conformance report of every built-in province, from this run's e2e results
# (reports/e2e/results.json, both modes) and screenshots; fails below the thresholds of
# conformance/thresholds.toml (docs/conformance.md).
step "conformance report of the built-in provinces"
python -m conformance
