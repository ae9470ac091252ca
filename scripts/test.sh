#!/usr/bin/env bash
# The whole test run (make test, and CI through .ci/run): install from scratch, then lint,
# static checks, unit tests, and the e2e suite against a production build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"

bash scripts/setup.sh --test
source scripts/env.sh

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "ruff"
ruff check .
ruff format --check .

step "translations are extracted and complete"
python scripts/i18n.py check

step "every province folder is valid"
for folder in themes/*/; do
  if [ -f "$folder/theme.toml" ]; then python -m themes check "$folder"; fi
done

step "unit and integration tests"
python -m pytest tests

step "end-to-end tests (production build, Chromium)"
python -m pytest e2e -p no:cacheprovider
