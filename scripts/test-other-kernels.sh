#!/usr/bin/env bash
# Runs the numeric suites (tensor ops, models, tasks, shipped models, README examples, golden checks) again on
# other kernels than this CPU's best: the baseline build of the C kernels (KOTOBA_CPU) and an older OpenBLAS
# core type (OPENBLAS_CORETYPE) than this CPU would pick. Their results differ in the last bits, so a test that
# compares computed floats exactly fails here on every machine, not only on the CPUs its author lacked.
set -euo pipefail
cd "$(dirname "$0")/.."

# The alternative GEMM kernels: one generation below this CPU's, without FMA where the CPU has it.
core=""
if [ "$(uname -m)" = "x86_64" ] && [ -r /proc/cpuinfo ]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  if [[ " $flags " == *" avx2 "* ]]; then core=Sandybridge
  elif [[ " $flags " == *" avx "* ]]; then core=Nehalem
  else core=Prescott
  fi
fi

suites='KotobaTensorTests|KotobaModelsTests|KotobaTasksTests'
suites+='|ShippedModelsTests|ShippedReadmeExampleTests|ReadmeExampleTests|GoldenCheckTests|BackPressureTests|TaskEndpointTests'
echo "numeric suites again with KOTOBA_CPU=baseline${core:+ OPENBLAS_CORETYPE=$core}"
export KOTOBA_CPU=baseline
[ -z "$core" ] || export OPENBLAS_CORETYPE="$core"
exec swift test --parallel --filter "$suites"
