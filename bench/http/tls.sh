#!/usr/bin/env bash
# HTTPS against plain HTTP on Kotoba's server, in one run: the same kotoba-hello binary serves GET /livez
# on two ports, one plain and one TLS (a P-256 certificate made here by openssl req). wrk measures
# keep-alive req/s on each, then new connections per second (Connection: close, so for TLS every request
# pays a full handshake). Usage: bench/http/tls.sh [duration]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DURATION=${1:-10s}
PLAIN_PORT=18090
TLS_PORT=18443
OUT=$(mktemp -d)
trap 'kill ${PLAIN_PID:-} ${TLS_PID:-} 2>/dev/null || true; rm -rf "$OUT"' EXIT
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

echo "== building (release)" >&2
swift build -c release --package-path "$HERE/kotoba-hello" --scratch-path "$HERE/kotoba-hello/.build" >&2
BIN=$(swift build -c release --package-path "$HERE/kotoba-hello" --scratch-path "$HERE/kotoba-hello/.build" --show-bin-path)/kotoba-hello
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$OUT/key.pem" -out "$OUT/cert.pem" 2>/dev/null

"$BIN" "$PLAIN_PORT" & PLAIN_PID=$!
"$BIN" "$TLS_PORT" "$OUT/cert.pem" "$OUT/key.pem" & TLS_PID=$!
for url in "http://127.0.0.1:$PLAIN_PORT/livez" "https://127.0.0.1:$TLS_PORT/livez"; do
  for _ in $(seq 100); do curl -fsk "$url" >/dev/null && break; sleep 0.1; done
done

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
errors() { awk -F'Socket errors: ' '/Socket errors/ {print $2}' "$1"; }

wrk -t2 -c64 -d2s "http://127.0.0.1:$PLAIN_PORT/livez" >/dev/null
wrk -t2 -c64 -d2s "https://127.0.0.1:$TLS_PORT/livez" >/dev/null
for mode in keepalive close; do
  header=(); [ "$mode" = close ] && header=(-H "Connection: close")
  for scheme in http https; do
    port=$PLAIN_PORT; [ "$scheme" = https ] && port=$TLS_PORT
    echo "== $scheme $mode: wrk -t2 -c64 -d$DURATION" >&2
    wrk -t2 -c64 -d"$DURATION" --latency "${header[@]}" "$scheme://127.0.0.1:$port/livez" > "$OUT/$scheme-$mode.txt" 2>&1 || true
  done
done

echo
echo "GET /livez, wrk -t2 -c64 -d$DURATION, $(nproc) cores shared by wrk and the server"
printf '%-32s %12s %10s  %s\n' "" "req/s" p99 "socket errors"
for mode in keepalive close; do
  for scheme in http https; do
    label="$scheme, keep-alive"; [ "$mode" = close ] && label="$scheme, new connection each"
    f="$OUT/$scheme-$mode.txt"
    printf '%-32s %12s %10s  %s\n' "$label" "$(rps "$f")" "$(p99 "$f")" "$(errors "$f")"
  done
  printf '%-32s %s%%\n' "  https / http" "$(awk -v t="$(rps "$OUT/https-$mode.txt")" -v p="$(rps "$OUT/http-$mode.txt")" 'BEGIN {printf "%.0f", 100 * t / p}')"
done
