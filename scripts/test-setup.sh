#!/usr/bin/env bash
# Installs what the tests need beyond the build tools, only what is missing:
# Debian's Chromium (Playwright drives it; no browser is downloaded), brotli for the
# size report, wrk for the load script, and the end-to-end npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

missing=()
command -v chromium >/dev/null || missing+=(chromium chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[test-setup] apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

stamp=end2end/node_modules/.linli-stamp
if [ ! -f "$stamp" ] || ! cmp -s end2end/package-lock.json "$stamp"; then
  echo "[test-setup] npm ci in end2end/"
  (cd end2end && npm ci --no-audit --no-fund --silent)
  cp end2end/package-lock.json "$stamp"
fi
