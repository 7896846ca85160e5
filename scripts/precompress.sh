#!/usr/bin/env bash
# Writes .br and .gz beside each built asset; /pkg serves them to browsers that accept
# them, so the server never compresses the bundle per request.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in target/site/pkg/*.{wasm,js,css}; do
  [ -f "$f" ] || continue
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$f"; fi
done
