#!/usr/bin/env bash
# Installs what building the portal needs, only what is missing (idempotent):
#   the wasm32 target, the wasm-bindgen CLI of exactly the version in Cargo.lock, and
#   wasm-opt from npm's binaryen@132.0.0 (Debian's breaks hydration).
# cargo-leptos is not needed for `make run` or `make test` (scripts/build.sh calls cargo,
# wasm-bindgen and wasm-opt itself); `make dev` installs it with `--with-cargo-leptos`.
# cargo-leptos downloads any tool that is not on PATH from GitHub, which these machines
# cannot reach, so the tools must be in place before any cargo-leptos build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

say() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "${1:-}" = "--with-cargo-leptos" ] && ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  say "installing cargo-leptos 0.3.10 for make dev (about 14 minutes on 2 cores)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wb" ]; then echo "wasm-bindgen not found in Cargo.lock" >&2; exit 1; fi
# `--without-wasm-bindgen`: the caller installs it itself (scripts/build.sh does, beside its
# first cargo build: `cargo install` builds in a folder of its own, and the two fill each
# other's single-threaded phases on 2 cores).
if [ "${1:-}" != "--without-wasm-bindgen" ] && ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
  say "installing wasm-bindgen-cli $wb (about 3 minutes)"
  # Without --locked: its own lockfile pins a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$wb" --force
fi

if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  say "installing wasm-opt (npm binaryen@132.0.0) into $LINLI_TOOLS_DIR"
  mkdir -p "$LINLI_TOOLS_DIR"
  (cd "$LINLI_TOOLS_DIR" && npm install --no-audit --no-fund --silent binaryen@132.0.0)
fi
say "tools ready: $(wasm-bindgen --version 2>/dev/null || echo "wasm-bindgen to come"), $(wasm-opt --version)"
