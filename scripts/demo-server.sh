# shellcheck shell=bash
# Sourced by the measurement scripts (load.sh, lighthouse.sh, nearest-vs-postgis.sh):
#   start_demo_server DB PORT [BIN]
# starts BIN (the release server when not given) on a fresh SQLite demo city at DB (demo
# mode, for the demo identities), on 127.0.0.1:PORT, sets `pid` and `base`, and waits for /healthz (30 s at
# most; exits 1 if it never answers). The caller sets its own EXIT trap (kill "$pid").
start_demo_server() {
  local db=$1 port=$2 bin=${3:-target/release/linli}
  rm -f "$db" "$db-wal" "$db-shm"
  DATABASE_URL="sqlite://$db" LINLI_DEMO=1 LINLI_SEED_DEMO=1 RUST_LOG=warn \
    "$bin" serve --addr "127.0.0.1:$port" &
  # shellcheck disable=SC2034  # pid and base are the caller's
  pid=$!
  base="http://127.0.0.1:$port"
  local _
  for _ in $(seq 1 300); do
    curl -fs "$base/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not answer $base/healthz" >&2
  exit 1
}
