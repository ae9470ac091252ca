#!/usr/bin/env bash
# Refreshes the Python lock files with hashes from pyproject.toml (make lock):
#   requirements/test.txt     the app, scaled mode and the test tools (setup.sh --test, --scaled)
#   requirements/runtime.txt  the app alone (setup.sh, make run), the same versions as test.txt
# Pins move only for what pyproject.toml no longer allows; to take newer releases of
# everything: UPGRADE=1 make lock (or one package: UPGRADE_PACKAGE=sqlalchemy make lock).
# Commit both files; scripts/setup.sh installs from them with --require-hashes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$YW_ROOT"
[ -x "$YW_VENV/bin/pip-compile" ] || "$YW_VENV/bin/python" -m pip install --quiet "pip-tools>=7.4"
upgrade=()
[ "${UPGRADE:-}" = 1 ] && upgrade=(--upgrade)
[ -n "${UPGRADE_PACKAGE:-}" ] && upgrade=(--upgrade-package "$UPGRADE_PACKAGE")
compile() { # compile OUTPUT [pip-compile options]: PyPI only, no local wheel folders
  local out="$1"; shift
  PIP_FIND_LINKS="" PIP_EXTRA_INDEX_URL="" PIP_CONSTRAINT="" pip-compile --quiet \
    --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
    --output-file "$out" "${upgrade[@]}" "$@" pyproject.toml
}
mkdir -p requirements
compile requirements/test.txt --extra test
# runtime.txt starts from test.txt so that pip-compile keeps its versions, dropping the rest
cp requirements/test.txt requirements/runtime.txt
upgrade=()
compile requirements/runtime.txt
echo "requirements/test.txt: $(grep -c '==' requirements/test.txt) packages;" \
  "requirements/runtime.txt: $(grep -c '==' requirements/runtime.txt) packages"
