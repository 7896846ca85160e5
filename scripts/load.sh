#!/usr/bin/env bash
# HTTP load on loopback: the home page (server-rendered from the database) and the open
# API's nearest query, each beside the very same bytes served as a static file, in the
# same run. The ratios are the figures.
#   scripts/load.sh [seconds] [connections]
# Needs the release build (make build) and wrk (scripts/test-setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
secs=${1:-10}
conns=${2:-32}
port=${LINLI_LOAD_PORT:-3199}
bin=target/release/linli
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: scripts/test-setup.sh" >&2; exit 1; }

db=target/load.db
rm -f "$db" "$db-wal" "$db-shm"
DATABASE_URL="sqlite://$db" LINLI_SEED_DEMO=1 RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f target/site/load-home.html target/site/load-nearest.json' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

# The same bytes as static files, served by the same server and middleware.
nearest="/api/v1/stations/nearest?lat=36.806&lng=118.048&limit=10&amenity=water&open_now=true"
curl -fs "http://127.0.0.1:$port/" -o target/site/load-home.html
curl -fs "http://127.0.0.1:$port$nearest" -o target/site/load-nearest.json

run() {
  local label=$1 path=$2 out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port$path")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-26s %10s req/s   p99 %8s\n' "$label" "$rps" "$p99" >&2
  echo "$rps"
}
echo "== load: ${secs}s, $conns connections, 2 wrk threads, $(nproc) cores shared with the server ==" >&2
page=$(run "home page (SSR + SQL)" /)
static=$(run "same bytes, static file" /load-home.html)
near=$(run "nearest API (open, water)" "$nearest")
static2=$(run "same bytes, static file" /load-nearest.json)
awk -v a="$page" -v b="$static" 'BEGIN { printf "ratio home page/static: %.2f\n", a / b }'
awk -v a="$near" -v b="$static2" 'BEGIN { printf "ratio nearest/static: %.2f\n", a / b }'
