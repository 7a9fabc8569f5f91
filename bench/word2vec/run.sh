#!/usr/bin/env bash
# /similar on Kotoba against gensim's most_similar, same vectors, same nearest-neighbour queries (200 words of
# the vocabulary, ranks 100-299, top_k 10): Kotoba over HTTP with wrk (1 and 16 connections), gensim in-process
# with 1 and 16 threads (no HTTP, so the comparison flatters gensim). Then a parity check of 50 answers.
# Usage: bench/word2vec/run.sh [seconds] — model: MODEL=Models/word2vec-en by default.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/word2vec
SECONDS_PER_RUN=${1:-10}
MODEL=${MODEL:-$ROOT/Models/word2vec-en}
PYTHON=${PYTHON:-/opt/gensim-venv/bin/python}
PORT=18095
OUT=$(mktemp -d)
trap 'kill ${K_PID:-} 2>/dev/null || true; rm -rf "$OUT"' EXIT
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }

swift build -c release --product kotoba --package-path "$ROOT" >&2
KOTOBA=$(swift build -c release --package-path "$ROOT" --show-bin-path)/kotoba
"$PYTHON" - "$MODEL/vectors.bin" > "$OUT/queries.txt" <<'PY'
import sys
from gensim.models import KeyedVectors
words = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True).index_to_key[100:300]
print("\n".join(w for w in words if '"' not in w and "\\" not in w))
PY
KOTOBA_MODELS="[{\"name\": \"words\", \"task\": \"word-vectors\", \"path\": \"$MODEL\"}]" \
  "$KOTOBA" serve --port "$PORT" --log-level warning & K_PID=$!
for _ in $(seq 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] && break; sleep 0.1
done
for load in "1 1" "2 16"; do
  set -- $load
  QUERIES="$OUT/queries.txt" wrk -t"$1" -c"$2" -d"${SECONDS_PER_RUN}s" --latency -s "$HERE/queries.lua" \
    "http://127.0.0.1:$PORT" > "$OUT/wrk-$2.txt" 2>&1 || true
  printf 'kotoba /similar, %2d HTTP client(s):        %9s queries/s  p50 %s  p99 %s\n' "$2" \
    "$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$2.txt")" "$(awk '$1 == "50%" {print $2}' "$OUT/wrk-$2.txt")" \
    "$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$2.txt")"
done
"$PYTHON" "$HERE/gensim_bench.py" "$MODEL/vectors.bin" "$OUT/queries.txt" "$SECONDS_PER_RUN" "http://127.0.0.1:$PORT"
