#!/usr/bin/env bash
# The static checks, exactly as CI runs them (`make check` and .ci/run both call this):
# each checker's self-test (its rules catch planted breaches), the checker itself, rustfmt
# and clippy on both targets. One script, so a check that passes here passes in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

echo "== layers (circles, upward imports, the reply helper, transactions, audit, text in models, server function length, stores from the server) =="
python3 scripts/layers.py --self-test
python3 scripts/layers.py
echo "== raw SQL in the integration tests (only marked tampering; fixtures.rs holds the rest) =="
python3 scripts/test-sql.py --self-test
python3 scripts/test-sql.py
echo "== ARCHITECTURE.md (commands, middleware order, benches, paths, items it names) =="
python3 scripts/check-architecture.py --self-test
python3 scripts/check-architecture.py
echo "== rustfmt =="
cargo fmt --all --check
echo "== clippy (server build and WebAssembly build) =="
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
