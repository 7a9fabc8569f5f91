#!/usr/bin/env bash
# A soak of the release server on the default models: scripts/soak.sh [DURATION_SECONDS] (default 3600).
# Builds `kotoba` in release, serves Config/kotoba.json on a free port (access log off: an hour of it is tens of
# MB), drives scripts/soak.py's mixed traffic at it and samples RSS, descriptors, threads and latency every 10 s
# into .build/soak/soak.csv and soak.png. Exits 1 when RSS drifts more than 5% after the warm-up or any answer
# has a status the traffic did not ask for.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-3600}
swift build -c release --product kotoba >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p .build/soak
.build/release/kotoba serve --config Config/kotoba.json --port "$port" --log-level warning 2>.build/soak/server.log &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
python=/opt/kotoba-venv/bin/python
[ -x "$python" ] || python=python3
"$python" scripts/soak.py --port "$port" --pid "$server" --duration "$duration" --out .build/soak
