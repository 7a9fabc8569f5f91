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
  binary=${KOTOBA_BINARY:-.build/debug/kotoba}
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$binary" serve --config Config/kotoba.json --port "$port" --log-level warning &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
  done
  base=http://127.0.0.1:$port
fi
"$venv/bin/schemathesis" run "$base/openapi.json" --checks all --max-examples 30 --workers 2 --seed 20261207
