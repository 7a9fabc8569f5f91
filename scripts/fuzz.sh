#!/usr/bin/env bash
# Builds kotoba-fuzz with libFuzzer and runs one target (or all, in turn) for SECONDS each.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   scripts/fuzz.sh all SECONDS
#
# Seeds come from Fuzz/Corpus/TARGET (read only); inputs libFuzzer finds go to .build/fuzz/corpus/TARGET,
# crashes and failed invariants to .build/fuzz/crashes/TARGET/. Replay one with
#   KOTOBA_FUZZ_TARGET=TARGET .build/fuzz/debug/kotoba-fuzz FILE   or   swift run kotoba-fuzz TARGET FILE
# Environment: FUZZ_MAX_LEN (default 4096), the longest input libFuzzer tries.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ $# -lt 2 ]; then
    echo "usage: scripts/fuzz.sh TARGET|all SECONDS [libFuzzer flags...]" >&2
    exit 2
fi
TARGET=$1
SECONDS_EACH=$2
shift 2
SCRATCH=.build/fuzz

# Debug configuration for testability (the targets use @testable imports) and bounds checks in every module,
# then -O over it so the fuzzer runs at a useful speed; address sanitizer for the unsafe-pointer code.
swift build --product kotoba-fuzz --scratch-path "$SCRATCH" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DKOTOBA_LIBFUZZER -Xswiftc -O -Xswiftc -enable-testing >&2
BIN="$SCRATCH/debug/kotoba-fuzz"

run_one() {
    local name=$1
    shift
    local seeds="Fuzz/Corpus/$name"
    local corpus="$SCRATCH/corpus/$name"
    # Not "artifacts": SwiftPM owns $SCRATCH/artifacts (binary targets) and empties it when it resolves.
    local artifacts="$SCRATCH/crashes/$name"
    [ -d "$seeds" ] || { echo "no seeds at $seeds" >&2; return 2; }
    mkdir -p "$corpus" "$artifacts"
    local log="$SCRATCH/logs/$name.log"
    mkdir -p "$(dirname "$log")"
    echo "== $name: ${SECONDS_EACH}s, log $log" >&2
    local status=0
    # The first corpus folder receives new inputs; the seeds are only read.
    # SWIFT_BACKTRACE off: libFuzzer reports the crash and saves the input; the backtracer only slows it.
    SWIFT_BACKTRACE=enable=no KOTOBA_FUZZ_TARGET=$name "$BIN" "$corpus" "$seeds" -max_total_time="$SECONDS_EACH" \
        -max_len="${FUZZ_MAX_LEN:-4096}" -artifact_prefix="$artifacts/" -print_final_stats=1 \
        "$@" >"$log" 2>&1 || status=$?
    local runs speed cov
    # awk, not grep: a log without the line (a crash) must not end the script under pipefail.
    runs=$(awk '/stat::number_of_executed_units:/ {print $2}' "$log")
    speed=$(awk '/stat::average_exec_per_sec:/ {print $2}' "$log")
    cov=$(awk '{for (i = 1; i < NF; i++) if ($i == "cov:") c = $(i + 1)} END {print c}' "$log")
    echo "$name: executions=${runs:-?} exec/s=${speed:-?} cov=${cov:-?} exit=$status artifacts=$(ls "$artifacts" | wc -l)"
    [ "$status" -eq 0 ] || tail -30 "$log" >&2
    return "$status"
}

if [ "$TARGET" = all ]; then
    failed=0
    for name in $(ls Fuzz/Corpus); do run_one "$name" "$@" || failed=1; done
    exit "$failed"
fi
run_one "$TARGET" "$@"
