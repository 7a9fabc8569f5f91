#!/usr/bin/env bash
# Kotoba against a Python reference server (FastAPI + uvicorn + transformers pipelines, same model files,
# same machine) on /fill-mask, /classify and /translate at 1, 16 and 64 concurrent clients (wrk + post.lua),
# side by side in one run, with each server's RSS after its runs.
# Usage: bench/service/run.sh [duration] — models default to the committed test fixtures, so the numbers
# measure serving overhead more than inference; set FILL_MASK_MODEL, CLASSIFY_MODEL, TRANSLATE_MODEL to
# real model directories for real numbers.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/service
DURATION=${1:-5s}
K_PORT=18090
P_PORT=18091
FILL_MASK_MODEL=${FILL_MASK_MODEL:-$ROOT/Tests/KotobaModelsTests/Fixtures/bert/bert-mlm}
CLASSIFY_MODEL=${CLASSIFY_MODEL:-$ROOT/Tests/KotobaModelsTests/Fixtures/bert/bert-classifier}
TRANSLATE_MODEL=${TRANSLATE_MODEL:-$ROOT/Tests/KotobaTasksTests/Fixtures/translation}
PYTHON=${PYTHON:-/opt/kotoba-venv/bin/python}
WEB=$ROOT/.build/tools/bench-web
OUT=$(mktemp -d)
trap 'kill ${K_PID:-} ${P_PID:-} 2>/dev/null || true; rm -rf "$OUT"' EXIT
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

if [ ! -d "$WEB" ]; then
  python3 -m venv "$WEB"
  "$WEB/bin/pip" install --quiet --disable-pip-version-check --no-input fastapi==0.118.0 uvicorn==0.37.0
fi
echo "== building kotoba (release)" >&2
swift build -c release --product kotoba --package-path "$ROOT" >&2
KOTOBA=$(swift build -c release --package-path "$ROOT" --show-bin-path)/kotoba

cat > "$OUT/config.json" <<JSON
{"port": $K_PORT, "log": {"level": "warning"}, "models": [
 {"name": "fill", "task": "fill-mask", "path": "$FILL_MASK_MODEL", "default": true},
 {"name": "classify", "task": "text-classification", "path": "$CLASSIFY_MODEL", "default": true},
 {"name": "translate", "task": "translation", "path": "$TRANSLATE_MODEL", "default": true}]}
JSON
"$KOTOBA" serve --config "$OUT/config.json" 2>"$OUT/kotoba.log" & K_PID=$!
site=$(echo "$WEB"/lib/python3*/site-packages)
FILL_MASK_MODEL=$FILL_MASK_MODEL CLASSIFY_MODEL=$CLASSIFY_MODEL TRANSLATE_MODEL=$TRANSLATE_MODEL PYTHONPATH=$site:$HERE \
  "$PYTHON" -m uvicorn reference_server:app --port "$P_PORT" --log-level warning 2>"$OUT/python.log" & P_PID=$!
for url in "http://127.0.0.1:$K_PORT/readyz" "http://127.0.0.1:$P_PORT/livez"; do
  for _ in $(seq 300); do curl -fs "$url" >/dev/null && break; sleep 0.2; done
  curl -fs "$url" >/dev/null || { echo "$url did not come up" >&2; cat "$OUT"/*.log >&2; exit 1; }
done

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
declare -A BODIES=(
  [/fill-mask]='{"text": "paris is the [MASK] of france.", "top_k": 5}'
  [/classify]='{"text": "the cat sat on the mat."}'
  [/translate]='{"text": "Tom is here.", "beam_size": 3, "max_new_tokens": 12}'
)
printf "%-11s %4s | %10s %9s %9s %7s | %10s %9s %9s %7s\n" endpoint c "kotoba r/s" p50 p99 errors "python r/s" p50 p99 errors
for path in /fill-mask /classify /translate; do
  for clients in 1 16 64; do
    row=()
    for port in $K_PORT $P_PORT; do
      BODY=${BODIES[$path]} wrk -t"$(( clients < 2 ? 1 : 2 ))" -c"$clients" -d"$DURATION" --latency -s "$HERE/post.lua" \
        "http://127.0.0.1:$port$path" > "$OUT/run.txt" 2>&1 || true
      rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/run.txt")
      p50=$(awk '$1 == "50%" {print $2}' "$OUT/run.txt")
      p99=$(awk '$1 == "99%" {print $2}' "$OUT/run.txt")
      errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += 1} END {print n + 0}' "$OUT/run.txt")
      row+=("${rps:-0}" "${p50:--}" "${p99:--}" "$errors")
    done
    printf "%-11s %4s | %10s %9s %9s %7s | %10s %9s %9s %7s\n" "$path" "$clients" "${row[@]}"
  done
done
echo "RSS after the runs: kotoba $(rss_mib $K_PID) MiB, python $(rss_mib $P_PID) MiB"
