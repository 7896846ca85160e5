#!/usr/bin/env bash
# The release build: server (opt-level 3) and WebAssembly (wasm-release: size-tuned,
# then wasm-opt), then .br/.gz copies of the bundle for the server to send as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/setup.sh
scripts/vendor-web.sh
cargo leptos build --release
scripts/precompress.sh
