#!/usr/bin/env bash
# Installs huggingface_hub's InferenceClient (and numpy, which its feature_extraction needs) into a venv
# under .build/ for the compatibility test in Tests/KotobaServiceTests/HuggingFaceClientTests.swift.
# Without network the install fails; that is reported here and the test then skips, saying why.
set -uo pipefail
cd "$(dirname "$0")/.."
hub=2.4.0
numpy=2.4.6
venv=.build/tools/huggingface-hub-$hub
if "$venv/bin/python" -c "import huggingface_hub, numpy" 2>/dev/null; then
  exit 0
fi
if python3 -m venv "$venv" \
  && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
       "huggingface-hub==$hub" "numpy==$numpy"; then
  echo "huggingface-hub $hub installed in $venv"
else
  echo "warning: could not install huggingface-hub $hub into $venv; the InferenceClient test will skip" >&2
fi
