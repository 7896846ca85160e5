#!/usr/bin/env bash
# HTTP load on loopback: every main page, the open API's nearest query and the
# back-office pages, each beside the very same bytes served as a static file by the
# same server and middleware, in the same run. The ratios are the figures (a page at
# 1.0 costs the server no more than sending a file of its size).
#   scripts/load.sh [seconds] [connections] [--check]
# `--check` exits 1 when a page is under its target (home and map 0.8, the rest 0.5,
# nearest 0.95). Needs the release build (make build) and wrk (scripts/test-setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
check=0
args=()
for a in "$@"; do
  if [ "$a" = "--check" ]; then check=1; else args+=("$a"); fi
done
secs=${args[0]:-3}
conns=${args[1]:-32}
port=${LINLI_LOAD_PORT:-3199}
bin=target/release/linli
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: scripts/test-setup.sh" >&2; exit 1; }

db=target/load.db
twins=target/site/load-twins
rm -f "$db" "$db-wal" "$db-shm"
rm -rf "$twins"
mkdir -p "$twins"
# Demo mode for the demo identities (staff and admin pages); the write limit out of the
# way of the one sign-in per role.
. scripts/demo-server.sh
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$twins"' EXIT
start_demo_server "$db" "$port" "$bin"

# A session cookie for a demo role.
session() {
  curl -fs -o /dev/null -D - -H "Origin: $base" -d "role=$1" "$base/api/auth/demo" |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" && $2 ~ /^linli_session=/ { print $2 }'
}
staff=$(session staff)
admin=$(session admin)
volunteer=$(session volunteer)

# label | path | cookie | target
pages=(
  "home|/||0.8"
  "map with a point|/map?lat=36.806&lng=118.048||0.8"
  "rider|/rider?lat=36.806&lng=118.048||0.5"
  "station|/station/1||0.5"
  "services|/services||0.5"
  "a guide|/services/MZ-01||0.5"
  "checklist|/services/MZ-01/checklist||0.5"
  "book, no centre|/book?item=MZ-01||0.5"
  "book, a centre|/book?item=MZ-01&center=2||0.5"
  "wishes|/wishes||0.5"
  "a wish|/wishes/1||0.5"
  "activities|/activities||0.5"
  "an activity|/activities/1||0.5"
  "teams|/teams||0.5"
  "login|/login||0.5"
  "points (volunteer)|/points|$volunteer|0.5"
  "me (volunteer)|/me|$volunteer|0.5"
  "desk (staff)|/desk|$staff|0.5"
  "volunteers (staff)|/volunteers|$staff|0.5"
  "admin (admin)|/admin|$admin|0.5"
  "city (admin)|/admin/city|$admin|0.5"
  "people (admin)|/admin/people|$admin|0.5"
  "audit (admin)|/admin/audit|$admin|0.5"
  "holidays (admin)|/admin/holidays|$admin|0.5"
  "coverage (admin)|/admin/coverage|$admin|0.5"
  "dashboard (admin)|/admin/dashboard|$admin|0.5"
  "import (admin)|/admin/import|$admin|0.5"
  "nearest API|/api/v1/stations/nearest?lat=36.806&lng=118.048&limit=10&amenity=water&open_now=true||0.95"
)

rate() {
  local path=$1 cookie=$2 out
  if [ -n "$cookie" ]; then
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Cookie: $cookie" "$base$path")
  else
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$base$path")
  fi
  awk '/^Requests\/sec:/ { r = $2 } $1 == "99%" { p = $2 } /Non-2xx/ { bad = $NF } END { printf "%s %s %s", r, p, (bad == "" ? 0 : bad) }' <<<"$out"
}

echo "== load: ${secs}s per run, $conns connections, 2 wrk threads, $(nproc) cores shared with the server ==" >&2
printf '%-22s %8s %8s %10s %9s %10s %9s %6s\n' page bytes br "req/s" p99 "static/s" p99 ratio
fail=()
n=0
for row in "${pages[@]}"; do
  IFS='|' read -r label path cookie target <<<"$row"
  n=$((n + 1))
  twin="$twins/$n.html"
  [[ $path == /api/* ]] && twin="$twins/$n.json"
  if [ -n "$cookie" ]; then
    curl -fs -H "Cookie: $cookie" "$base$path" -o "$twin"
  else
    curl -fs "$base$path" -o "$twin"
  fi
  bytes=$(stat -c %s "$twin")
  br=$(brotli -q 11 -c "$twin" | wc -c)
  read -r prps pp99 pbad <<<"$(rate "$path" "$cookie")"
  read -r srps sp99 _ <<<"$(rate "/${twin#target/site/}" "$cookie")"
  ratio=$(awk -v a="$prps" -v b="$srps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-22s %8d %8d %10s %9s %10s %9s %6s\n' "$label" "$bytes" "$br" "$prps" "$pp99" "$srps" "$sp99" "$ratio"
  if [ "$pbad" != "0" ]; then fail+=("$label answered $pbad non-2xx"); fi
  if awk -v r="$ratio" -v t="$target" 'BEGIN { exit !(r < t) }'; then fail+=("$label $ratio < $target"); fi
done
if [ ${#fail[@]} -gt 0 ]; then
  printf 'below target: %s\n' "${fail[@]}"
  [ "$check" -eq 1 ] && exit 1
fi
echo "every page at or above its target: $([ ${#fail[@]} -eq 0 ] && echo yes || echo no)"
