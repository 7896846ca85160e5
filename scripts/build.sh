#!/usr/bin/env bash
# The release build, with cargo, wasm-bindgen and wasm-opt called directly (cargo-leptos
# is kept for `make dev` only: installing it cost a fresh machine about 10 of the 32
# minutes `make run` took). What it does is what `cargo leptos build --release` does for
# this workspace's metadata:
#   1. the WebAssembly bundle: the `app` crate with `hydrate`, profile wasm-release (size-
#      tuned), then `wasm-bindgen --target web` and `wasm-opt -Oz` into target/site/pkg/
#      as linli.js and linli.wasm (the names the hydration script asks for);
#   2. the stylesheet as pkg/linli.css and public/ into the site root;
#   3. the server `linli` (release, opt-level 3; LEPTOS_OUTPUT_NAME from .cargo/config.toml);
#   4. .br and .gz copies of the bundle.
# The long steps print how far they are and an estimate of the time left, every 15 s.
# `scripts/build.sh --site` makes steps 1, 2 and 4 only (the site without the release
# server): the test suite runs its browser flows on the server binary its integration
# tests built, so CI does not compile the portal's code a second time with opt-level 3.
set -euo pipefail
site_only=0
[ "${1:-}" = "--site" ] && site_only=1
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/setup.sh --without-wasm-bindgen
scripts/vendor-web.sh

# The wasm-bindgen CLI of exactly the crate's version, installed (if missing) while the
# bundle compiles: needed only after it.
wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
wb_pid=""
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
  printf '[build] installing wasm-bindgen-cli %s beside the build (about 3 minutes)\n' "$wb"
  wb_log=$(mktemp)
  cargo install wasm-bindgen-cli --version "$wb" --force >"$wb_log" 2>&1 &
  wb_pid=$!
fi

site=${LINLI_SITE_ROOT:-target/site}
pkg="$site/pkg"
say() { printf '[build] %s\n' "$*"; }

# Runs cargo with its progress bar written to a log even without a terminal, and prints
# "done/total units, elapsed, about N min left" from it every 15 s.
cargo_with_progress() {
  local label=$1; shift
  local log
  log=$(mktemp)
  local started=$SECONDS
  CARGO_TERM_PROGRESS_WHEN=always CARGO_TERM_PROGRESS_WIDTH=100 cargo "$@" 2>"$log" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null || break
    local last done total el left
    last=$(tr '\r' '\n' <"$log" | grep -oE '[0-9]+/[0-9]+' | tail -n1 || true)
    el=$((SECONDS - started))
    if [ -n "$last" ]; then
      done=${last%/*}; total=${last#*/}
      if [ "$done" -gt 0 ] && [ "$total" -gt 0 ] && [ $((total - done)) -le 2 ]; then
        # The last units are the portal's own crates, the heaviest: a count says little.
        say "$label: $done/$total crates, $((el / 60)) min $((el % 60)) s so far; now the portal's own code (cold: about 2 min for the bundle, 3-4 min for the server)"
      elif [ "$done" -gt 0 ] && [ "$total" -gt 0 ]; then
        left=$(( el * (total - done) / done ))
        say "$label: $done/$total crates, $((el / 60)) min $((el % 60)) s so far, about $(( (left + 59) / 60 )) min left"
      else
        say "$label: starting ($el s)"
      fi
    else
      say "$label: resolving ($el s)"
    fi
  done
  if ! wait "$pid"; then
    tr '\r' '\n' <"$log" | grep -vE '^\s*Building \[' | tail -n 60 >&2
    rm -f "$log"
    say "$label failed" >&2
    return 1
  fi
  tr '\r' '\n' <"$log" | grep -E '^\s*(warning|Finished)' | tail -n 3 || true
  rm -f "$log"
  say "$label: done in $((SECONDS - started)) s"
}

say "1/4 WebAssembly bundle (cold about 2.5 min on 2 cores)"
cargo_with_progress "wasm" build -p app --lib --target wasm32-unknown-unknown \
  --profile wasm-release --no-default-features --features hydrate
if [ -n "$wb_pid" ]; then
  say "waiting for the wasm-bindgen CLI"
  if ! wait "$wb_pid"; then tail -n 40 "$wb_log" >&2; say "wasm-bindgen-cli install failed" >&2; exit 1; fi
  rm -f "$wb_log"
fi
mkdir -p "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name linli \
  target/wasm32-unknown-unknown/wasm-release/app.wasm
# The features the Rust wasm32 target emits by default; wasm-opt must accept them.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types \
  -o "$pkg/linli.wasm" "$pkg/linli_bg.wasm"
rm -f "$pkg/linli_bg.wasm"
# wasm-bindgen's glue names the module file after its output; ours is linli.wasm.
sed -i 's/linli_bg\.wasm/linli.wasm/g' "$pkg/linli.js"

say "2/4 stylesheet and public files"
cp style/main.css "$pkg/linli.css"
cp -a public/. "$site/"

if [ "$site_only" = 0 ]; then
  say "3/4 server (cold about 9 min on 2 cores; a change to the portal's code about 4)"
  cargo_with_progress "server" build -p server --bin linli --release
fi

say "4/4 precompressed copies"
scripts/precompress.sh
if [ "$site_only" = 0 ]; then
  say "built: target/release/linli and $site ($(du -sh "$site" | cut -f1))"
else
  say "built: $site ($(du -sh "$site" | cut -f1)); no release server (--site)"
fi
