#!/usr/bin/env bash
# The whole test suite (the README's test command):
#   1. unit and integration tests on SQLite, at the real time;
#   2. the integration suite again on PostgreSQL when LINLI_TEST_POSTGRES_URL is set;
#   3. the release site (WebAssembly bundle, stylesheet) and its size report (fails over
#      budget), served by the server binary step 1 built;
#   4. the Playwright user flows in Debian's Chromium against that server and site;
#   5. the integration suite (SQLite) again at five fixed times (LINLI_FAKE_NOW, demo mode
#      only; see app/src/time.rs): just past midnight, before nine on a make-up working
#      Saturday, noon on a public holiday, 21:30, a minute to midnight on a Saturday; so
#      that no outcome depends on the hour, the weekday or the date. The Playwright flows
#      run beside it at two of them, 21:30 (the hour a persona test once failed at) and a
#      minute to midnight (the date turning under a flow); each Playwright run takes about
#      as long as an integration run, and all five cost CI a quarter of its time.
#      The clock is stopped there (LINLI_FAKE_CLOCK=stopped): a run begun at 23:59 keeps
#      its "today" from the first test to the last.
# `scripts/test.sh --at "2026-12-09 21:30"` runs steps 1, 4 at that one time only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/setup.sh --without-wasm-bindgen
scripts/test-setup.sh
# Each step's header carries the minutes and seconds since the suite began, so that a CI
# log shows where its time went.
began=$SECONDS
since() { printf '%dm%02ds' $(((SECONDS - began) / 60)) $(((SECONDS - began) % 60)); }
# The server the size report and the Playwright flows start (read by scripts/wasm-size.sh
# and end2end/playwright.config.ts): the one the integration tests build (see step 3).
export LINLI_BIN="$PWD/target/debug/linli"

# The fixed times (Asia/Shanghai), one of each kind the calendar knows.
TIMES=(
  "2026-12-07 00:05"  # Monday, just past midnight
  "2026-10-10 08:59"  # Saturday, a make-up working day (国庆节调休上班), before nine
  "2026-10-01 12:00"  # Thursday, a public holiday (国庆节), noon
  "2026-12-09 21:30"  # Wednesday evening (the hour a persona test once failed at)
  "2026-12-05 23:59"  # an ordinary Saturday, a minute to midnight
)
# The times the Playwright flows run at too.
E2E_TIMES=("2026-12-09 21:30" "2026-12-05 23:59")

# One fixed time: the integration suite (its test binary, already built) runs beside the
# Playwright flows; they share nothing (random ports and temporary databases against
# port 3107 and target/e2e.db), and together they keep both cores busy.
at_time() {
  local t=$1 e2e=${2:-yes} log rc_it=0 rc_e2e=0
  log=$(mktemp)
  if [ "$e2e" = yes ]; then
    echo "== [$(since)] integration tests (SQLite) and end-to-end (Chromium) at $t Asia/Shanghai =="
  else
    echo "== [$(since)] integration tests (SQLite) at $t Asia/Shanghai =="
  fi
  LINLI_DEMO=1 LINLI_FAKE_NOW="$t" LINLI_FAKE_CLOCK=stopped env -u LINLI_TEST_POSTGRES_URL \
    cargo test -p server --test api --no-fail-fast -q >"$log" 2>&1 &
  local it=$!
  if [ "$e2e" = yes ]; then
    (cd end2end && LINLI_FAKE_NOW="$t" LINLI_FAKE_CLOCK=stopped npx playwright test) || rc_e2e=$?
  fi
  wait "$it" || rc_it=$?
  grep -E "^test result|FAILED|panicked" "$log" || true
  if [ "$rc_it" -ne 0 ]; then tail -n 80 "$log"; fi
  rm -f "$log"
  if [ "$rc_it" -ne 0 ] || [ "$rc_e2e" -ne 0 ]; then
    echo "FAIL at $t: integration exit $rc_it, end-to-end exit $rc_e2e" >&2
    return 1
  fi
}

if [ "${1:-}" = "--at" ]; then
  scripts/build.sh --site
  env -u LINLI_TEST_POSTGRES_URL cargo test -p server --test api --no-run -q
  at_time "$2"
  exit 0
fi

echo "== [$(since)] unit and integration tests (SQLite) =="
env -u LINLI_TEST_POSTGRES_URL cargo test --workspace --no-fail-fast

if [ -n "${LINLI_TEST_POSTGRES_URL:-}" ]; then
  echo "== [$(since)] integration tests (PostgreSQL) =="
  cargo test -p server --test api --no-fail-fast
fi

# The size report and the browser flows run on the server binary the integration tests
# built (target/debug/linli: the same code with its dependencies optimized, see
# Cargo.toml), beside the release site: compiling the portal's code once more with
# opt-level 3 cost CI about 7 minutes. `make build` and the measurement scripts keep the
# release server.
echo "== [$(since)] the site (WebAssembly bundle, stylesheet, public files) =="
scripts/build.sh --site
scripts/wasm-size.sh

echo "== [$(since)] end-to-end (Chromium) =="
(cd end2end && npx playwright test)

# The test binary as the fixed-time runs use it (built already by the PostgreSQL step
# when it ran; otherwise now, before the runs overlap).
env -u LINLI_TEST_POSTGRES_URL cargo test -p server --test api --no-run -q
for t in "${TIMES[@]}"; do
  e2e=no
  for e in "${E2E_TIMES[@]}"; do [ "$e" = "$t" ] && e2e=yes; done
  at_time "$t" "$e2e"
done
echo "== [$(since)] the suite passed at the real time and at ${#TIMES[@]} fixed times (Playwright at ${#E2E_TIMES[@]} of them) =="
