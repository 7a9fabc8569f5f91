#!/usr/bin/env bash
# Installs the system packages Kotoba builds against, only those missing (apt-get update is slow).
set -euo pipefail
# curl, openssl and python3 (standard library only) are clients in the edge tests: TLS, gzip, keys.
packages=(libopenblas-dev libssl-dev zlib1g-dev pkg-config curl openssl python3)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v swift >/dev/null || { echo "swift 6.x is required (https://swift.org/install)"; exit 1; }
