#!/usr/bin/env bash
# The whole test suite (the README's test command):
#   1. unit and integration tests on SQLite;
#   2. the integration suite again on PostgreSQL when LINLI_TEST_POSTGRES_URL is set;
#   3. the release build, its WebAssembly size report (fails over budget);
#   4. the Playwright user flows in Debian's Chromium against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/setup.sh
scripts/test-setup.sh

echo "== unit and integration tests (SQLite) =="
env -u LINLI_TEST_POSTGRES_URL cargo test --workspace --no-fail-fast

if [ -n "${LINLI_TEST_POSTGRES_URL:-}" ]; then
  echo "== integration tests (PostgreSQL) =="
  cargo test -p server --test api --no-fail-fast
fi

echo "== release build =="
scripts/build.sh
scripts/wasm-size.sh

echo "== end-to-end (Chromium) =="
(cd end2end && npx playwright test)
