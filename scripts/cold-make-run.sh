#!/usr/bin/env bash
# Measures a cold `make run` as a newcomer meets it: a fresh clone of this repo's HEAD, an
# empty $HOME (no cargo registry, no wasm-bindgen CLI, no npm cache, no tools), only
# rustup's proxies on PATH; prints the seconds until /healthz answers, then stops the
# server. Usage: scripts/cold-make-run.sh [workdir] (default /tmp/linli-cold; removed first).
# Port 3000 must be free. Takes about 14 minutes on 2 cores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/linli-cold}
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
proxies=$(dirname "$(command -v rustup)")
rm -rf "$work"
mkdir -p "$work/bin" "$work/home"
for b in cargo rustc rustup rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver; do
  [ -e "$proxies/$b" ] && ln -s "$proxies/$b" "$work/bin/$b"
done
git clone -q "$repo" "$work/linli"
cd "$work/linli"
export HOME="$work/home" CARGO_HOME="$work/home/.cargo" RUSTUP_HOME="$rustup_home"
export PATH="$work/bin:/usr/local/bin:/usr/bin:/bin"
start=$(date +%s)
# Its own process group, so that stopping it stops the server it started too.
setsid make run >"$work/make-run.log" 2>&1 &
pid=$!
trap 'kill -- -"$pid" 2>/dev/null || true' EXIT
until curl -sf http://127.0.0.1:3000/healthz >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then tail -n 40 "$work/make-run.log" >&2; echo "make run stopped early" >&2; exit 1; fi
  sleep 2
done
echo "cold make run to a healthy server: $(( $(date +%s) - start )) s (log: $work/make-run.log)"
