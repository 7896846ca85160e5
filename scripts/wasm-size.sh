#!/usr/bin/env bash
# The size report: raw, gzip and brotli bytes of the WebAssembly bundle and its JS glue,
# then what a first visit to each main page costs on the wire (scripts/page-weight.py,
# against the release server on a fresh demo city, or $LINLI_BIN: `make test` serves it
# with the server binary its integration tests built). Fails when the wasm is above its
# budget (250 KB brotli), or a page without an island above 30 KB (HTML + CSS + JS, brotli).
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

echo "== first visit per page (HTML + CSS + JS as sent, brotli) =="
. scripts/demo-server.sh
db=$(mktemp -d)/size.db
start_demo_server "$db" "${LINLI_SIZE_PORT:-3111}" "${LINLI_BIN:-target/release/linli}"
trap 'kill "$pid" 2>/dev/null || true' EXIT
python3 scripts/page-weight.py "$base" --budget "${LINLI_PAGE_BUDGET_BYTES:-30000}" \
  --island-budget $((budget + 30000)) \
  / '/map?lat=36.8062&lng=118.0481' '/rider?lat=36.8062&lng=118.0481' /station/1 /services \
  /services/MZ-01 /services/MZ-01/checklist /book '/book?item=MZ-01' /wishes /activities \
  /teams /points /login
