#!/usr/bin/env bash
# Kotoba's HTTP server against Hummingbird 2 (hello world on GET /livez), side by side, in one run.
# Three servers: kotoba-hello (KotobaHTTP's router and server alone), `kotoba serve` (the real service on
# Config/kotoba.json: edge layers, metrics, request ids and the access log, written to a file) and
# Hummingbird (request logging off). Builds all in release, runs wrk at -t2 -c64, -t2 -c1000 and -t1 -c1
# (DURATION each, servers taken in turn) against each, then reads kotoba-hello's RSS before and after three
# more -c1000 runs. Usage: bench/http/run.sh [duration]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${1:-10s}
KOTOBA_PORT=18080
HB_PORT=18081
SERVE_PORT=18082
OUT=$(mktemp -d)
trap 'kill ${KOTOBA_PID:-} ${HB_PID:-} ${SERVE_PID:-} 2>/dev/null || true; rm -rf "$OUT"' EXIT

ulimit -n "$(ulimit -Hn)"
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

echo "== building (release)" >&2
swift build -c release --package-path "$HERE/kotoba-hello" --scratch-path "$HERE/kotoba-hello/.build" >&2
swift build -c release --package-path "$HERE/hummingbird/hb-hello" --scratch-path "$HERE/hummingbird/hb-hello/.build" >&2
swift build -c release --package-path "$ROOT" --product kotoba >&2
KOTOBA_BIN=$(swift build -c release --package-path "$HERE/kotoba-hello" --scratch-path "$HERE/kotoba-hello/.build" --show-bin-path)/kotoba-hello
HB_BIN=$(swift build -c release --package-path "$HERE/hummingbird/hb-hello" --scratch-path "$HERE/hummingbird/hb-hello/.build" --show-bin-path)/hb-hello
SERVE_BIN=${SERVE_BIN:-$(swift build -c release --package-path "$ROOT" --show-bin-path)/kotoba}

"$KOTOBA_BIN" "$KOTOBA_PORT" & KOTOBA_PID=$!
"$HB_BIN" "$HB_PORT" & HB_PID=$!
# The access log (text, one line per request) goes to a file, as a container runtime's log pipe would take it.
# The per-client cap (256 by default) is lifted: every wrk connection comes from 127.0.0.1.
(cd "$ROOT" && exec "$SERVE_BIN" serve --config Config/kotoba.json --port "$SERVE_PORT" \
  --set limits.max_connections_per_client=0 2> "$OUT/serve.log") & SERVE_PID=$!
for port in $KOTOBA_PORT $HB_PORT $SERVE_PORT; do
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port/livez" >/dev/null || { echo "server on $port did not come up" >&2; exit 1; }
done

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# wrk_run NAME PORT THREADS CONNECTIONS -> writes $OUT/NAME-cCONNECTIONS.txt
wrk_run() {
  wrk -t"$3" -c"$4" -d"$DURATION" --latency "http://127.0.0.1:$2/livez" > "$OUT/$1-c$4.txt" 2>&1 || true
}

# field FILE KEY: req/s, p50, p99, socket errors, non-2xx from wrk's report
summarise() {
  local file=$1
  local rps p50 p99 errors non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$file")
  p50=$(awk '$1 == "50%" {print $2}' "$file")
  p99=$(awk '$1 == "99%" {print $2}' "$file")
  errors=$(awk -F'Socket errors: ' '/Socket errors/ {print $2}' "$file")
  non2xx=$(awk -F': ' '/Non-2xx/ {print $2}' "$file")
  printf '%12s %10s %10s  %-40s %s' "${rps:-?}" "${p50:-?}" "${p99:-?}" "${errors:-none}" "${non2xx:-0}"
}

echo "== warm-up" >&2
wrk -t2 -c64 -d2s "http://127.0.0.1:$KOTOBA_PORT/livez" >/dev/null
wrk -t2 -c64 -d2s "http://127.0.0.1:$HB_PORT/livez" >/dev/null
wrk -t2 -c64 -d2s "http://127.0.0.1:$SERVE_PORT/livez" >/dev/null

for load in "2 64" "2 1000" "1 1"; do
  set -- $load
  echo "== wrk -t$1 -c$2 -d$DURATION" >&2
  wrk_run kotoba "$KOTOBA_PORT" "$1" "$2"
  wrk_run hummingbird "$HB_PORT" "$1" "$2"
  wrk_run serve "$SERVE_PORT" "$1" "$2"
done

RSS_BEFORE=$(rss_kib "$KOTOBA_PID")
for run in 1 2 3; do
  echo "== RSS run $run: wrk -t2 -c1000 -d$DURATION (Kotoba)" >&2
  wrk -t2 -c1000 -d"$DURATION" --latency "http://127.0.0.1:$KOTOBA_PORT/livez" > "$OUT/rss-$run.txt" 2>&1 || true
  eval "RSS_$run=$(rss_kib "$KOTOBA_PID")"
done

echo
echo "GET /livez, wrk -d$DURATION, $(nproc) cores shared by wrk and the server"
printf '%-12s %-8s %12s %10s %10s  %-40s %s\n' load server "req/s" p50 p99 "socket errors" non-2xx
for load in 64 1000 1; do
  threads=2; [ "$load" = 1 ] && threads=1
  for server in kotoba serve hummingbird; do
    printf '%-12s %-8s %s\n' "-t$threads -c$load" "${server:0:8}" "$(summarise "$OUT/$server-c$load.txt")"
  done
  h=$(awk '/Requests\/sec/ {print $2}' "$OUT/hummingbird-c$load.txt")
  for server in kotoba serve; do
    k=$(awk '/Requests\/sec/ {print $2}' "$OUT/$server-c$load.txt")
    if [ -n "$k" ] && [ -n "$h" ]; then
      printf '%-12s %-6s / Hummingbird = %s%%\n' "" "$server" "$(awk -v k="$k" -v h="$h" 'BEGIN {printf "%.0f", 100 * k / h}')"
    fi
  done
done
echo "serve wrote $(grep -c ' request ' "$OUT/serve.log" || true) access-log lines"
echo
echo "Kotoba RSS (KiB): before ${RSS_BEFORE}, after c1000 runs: ${RSS_1} ${RSS_2} ${RSS_3}"
for run in 1 2 3; do
  printf 'RSS run %s: %s\n' "$run" "$(summarise "$OUT/rss-$run.txt")"
done
