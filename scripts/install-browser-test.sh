#!/usr/bin/env bash
# Installs what the playground's browser test needs: Debian's chromium and chromium-driver, and Selenium
# (PyPI, pinned) into a venv under .build/. Where any of it cannot be installed, says so and exits 0: the test
# (Tests/KotobaServiceTests/PlaygroundBrowserTests.swift) then skips, naming what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
selenium=4.38.0
venv=.build/tools/selenium-$selenium
missing=()
for p in chromium chromium-driver; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null 2>&1; then
    echo "warning: could not install ${missing[*]}; the playground browser test will skip" >&2
  fi
fi
if ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "selenium==$selenium" \
    || echo "warning: could not install selenium $selenium into $venv; the playground browser test will skip" >&2
fi
exit 0
