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
mkdir -p .build/soak
source scripts/local-server.sh
start_local_server .build/release/kotoba .build/soak/server.log
python=/opt/kotoba-venv/bin/python
[ -x "$python" ] || python=python3
"$python" scripts/soak.py --port "$port" --pid "$server" --duration "$duration" --out .build/soak
