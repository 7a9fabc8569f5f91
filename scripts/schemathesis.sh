#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned) with schemathesis.toml against a live Kotoba's /openapi.json:
#   scripts/schemathesis.sh [BASE_URL]
# Without BASE_URL it serves Config/kotoba.json itself with $KOTOBA_BINARY (default .build/debug/kotoba, which
# `swift test` builds) on a free port, as make test does. Every generated request must get a documented status,
# a schema-valid body, and no 5xx but the documented 504 of a passed deadline (schemathesis.toml says what else
# it allows, and why).
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.32.5
venv=.build/tools/schemathesis-$version
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "schemathesis==$version"
fi
base=${1:-}
if [ -z "$base" ]; then
  source scripts/local-server.sh
  start_local_server "${KOTOBA_BINARY:-.build/debug/kotoba}"
  base=http://127.0.0.1:$port
fi
"$venv/bin/schemathesis" run "$base/openapi.json" --checks all --max-examples 30 --workers 2 --seed 20261207
