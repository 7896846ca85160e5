#!/usr/bin/env bash
# The size report of the WebAssembly bundle: raw, gzip and brotli bytes of the wasm and
# its JS glue. Fails when the wasm is above the budget (250 KB brotli).
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${LINLI_WASM_BUDGET_BYTES:-256000}
wasm=$(ls target/site/pkg/*.wasm 2>/dev/null | head -n1)
if [ -z "$wasm" ]; then echo "no wasm in target/site/pkg: build first" >&2; exit 1; fi
last_br=0
row() {
  local f=$1 raw gz
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  last_br=$(brotli -q 11 -c "$f" | wc -c)
  printf '%-28s raw %8d  gzip %8d  brotli %8d\n' "$(basename "$f")" "$raw" "$gz" "$last_br"
}
echo "== WebAssembly bundle size =="
row "$wasm"
wasm_br=$last_br
for f in target/site/pkg/*.js target/site/pkg/*.css; do [ -f "$f" ] && row "$f"; done
if [ "$wasm_br" -gt "$budget" ]; then
  echo "FAIL: wasm is $wasm_br bytes brotli, over the budget of $budget" >&2
  exit 1
fi
echo "wasm brotli $wasm_br bytes ≤ budget $budget"
