#!/usr/bin/env bash
# The open API's nearest query against the bare PostGIS KNN query for the same question
# ("the 10 nearest stations with drinking water" from a random point in the city), and
# against its own static twin (one typical answer's bytes served as a file by the same
# server and middleware), back to back on this machine.
#   scripts/nearest-vs-postgis.sh [seconds] [--check]
# Starts the release server on its own demo database (port LINLI_NEAREST_PORT, default
# 3197), copies the very same stations out of its SQLite file into a scratch PostGIS
# database (geography(Point,4326), a partial GiST index on the water stations, ANALYZE,
# generic prepared plans), checks that both answer the same ids in the same order for a
# few random points, then runs pgbench (8 clients, 2 threads, -M prepared, a random point
# in the city's bounding box per query) and wrk (32 connections, 2 threads, a random
# point per request, scripts/nearest-random.lua) against the API and against the twin,
# each for `seconds` (default 10) after a 2 s warm-up. Prints both rates and the ratios;
# `--check` exits 1 when API/PostGIS < 1.0 or API/static < 0.95 (or the answers differ).
# Needs the release build (make build), wrk (scripts/test-setup.sh), PostgreSQL 15 at
# LINLI_PG_URL (default postgres://postgres@127.0.0.1:5432, a superuser, trust auth) with
# pgbench, and sqlite3; as root it installs Debian's postgresql-15-postgis-3 and sqlite3
# when missing. The scratch database (linli_postgis_bench) is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
check=0
args=()
for a in "$@"; do
  if [ "$a" = "--check" ]; then check=1; else args+=("$a"); fi
done
secs=${args[0]:-10}
warm=2
conns=32
clients=8
limit=10
port=${LINLI_NEAREST_PORT:-3197}
pg=${LINLI_PG_URL:-postgres://postgres@127.0.0.1:5432}
bench=linli_postgis_bench
bin=target/release/linli
lua=scripts/nearest-random.lua
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: scripts/test-setup.sh" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql missing (postgresql-client-15)" >&2; exit 1; }
pgbench=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
[ -x "$pgbench" ] || { echo "pgbench missing (postgresql-15 / postgresql-contrib)" >&2; exit 1; }
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
psql "$pg/postgres" -Atqc 'SELECT 1' >/dev/null || { echo "no PostgreSQL at $pg" >&2; exit 1; }

# Debian packages, only when missing (apt-get needs root).
need_pkg() {
  [ "$(id -u)" -eq 0 ] || { echo "$1 missing; as root: apt-get install $1" >&2; exit 1; }
  echo "installing $1" >&2
  apt-get install -y -q "$1" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$1" >/dev/null; }
}
[ -n "$(psql "$pg/postgres" -Atqc "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")" ] ||
  need_pkg postgresql-15-postgis-3
command -v sqlite3 >/dev/null || need_pkg sqlite3

db=target/nearest-bench.db
twins=target/site/nearest-twins
tmp=$(mktemp -d)
rm -f "$db" "$db-wal" "$db-shm"
rm -rf "$twins"
mkdir -p "$twins"
. scripts/demo-server.sh
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$twins" "$tmp"
  psql "$pg/postgres" -Atqc "DROP DATABASE IF EXISTS $bench WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
start_demo_server "$db" "$port" "$bin"
curl -fs "$base/healthz" >/dev/null || { echo "the server did not come up on $base" >&2; exit 1; }

# The city's bounding box and centre, as the server has them.
IFS='|' read -r min_lat min_lng max_lat max_lng c_lat c_lng <<<"$(sqlite3 "$db" \
  'SELECT min_lat, min_lng, max_lat, max_lng, center_lat, center_lng FROM city WHERE id = 1')"
[ -n "$c_lng" ] || { echo "no city row in $db" >&2; exit 1; }

# The scratch PostGIS database: the same stations, with the fields the API answers with
# (community and street denormalised: no joins on the PostGIS side).
psql "$pg/postgres" -Atq -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS $bench WITH (FORCE)" -c "CREATE DATABASE $bench"
pgdb="$pg/$bench"
psql "$pgdb" -Atq -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION postgis;
CREATE TABLE raw (id bigint, kind text, name text, community text, street text, address text,
  lat double precision, lng double precision, amenities text, opening_hours text, phone text,
  verified_on text);
SQL
sqlite3 -csv "$db" "SELECT s.id, s.kind, s.name, c.name, st.name, s.address, s.lat, s.lng, s.amenities,
    s.opening_hours, s.phone, s.verified_on
  FROM stations s JOIN communities c ON c.id = s.community_id JOIN streets st ON st.id = c.street_id
  ORDER BY s.id" >"$tmp/stations.csv"
psql "$pgdb" -Atq -v ON_ERROR_STOP=1 -c "\\copy raw FROM '$tmp/stations.csv' WITH (FORMAT csv)"
# geography: <-> orders by distance on the sphere (PostGIS's mean radius 6371008.77 m),
# as the API's haversine (6371008.8 m) does; a planar geometry in degrees would not.
psql "$pgdb" -Atq -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE stations AS
  SELECT id, kind, name, community, street, address, lat, lng,
         string_to_array(amenities, ',') AS amenities, opening_hours, phone, verified_on,
         ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography(Point, 4326) AS geog,
         'water' = ANY (string_to_array(amenities, ',')) AS water
  FROM raw ORDER BY id;
DROP TABLE raw;
ALTER TABLE stations ADD PRIMARY KEY (id);
CREATE INDEX stations_water_geog ON stations USING gist (geog) WHERE water;
VACUUM (FREEZE, ANALYZE) stations;
ALTER DATABASE $bench SET plan_cache_mode = force_generic_plan;
ALTER DATABASE $bench SET jit = off;
SQL
read -r n_all n_water <<<"$(psql "$pgdb" -Atq -F ' ' -c 'SELECT count(*), count(*) FILTER (WHERE water) FROM stations')"
n_api=$(curl -fs "$base/api/v1/stations" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["features"]))')
[ "$n_all" = "$n_api" ] || { echo "PostGIS has $n_all stations, the API $n_api" >&2; exit 1; }

query="SELECT id, kind, name, community, street, address, amenities, opening_hours, phone,
       verified_on, lng, lat, geog <-> ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)::geography AS distance_m
  FROM stations WHERE water ORDER BY distance_m LIMIT $limit;"
{
  echo "\\set lat $min_lat + ($max_lat - $min_lat) * random(0, 100000000) / 100000000.0"
  echo "\\set lng $min_lng + ($max_lng - $min_lng) * random(0, 100000000) / 100000000.0"
  echo "$query"
} >"$tmp/nearest.sql"
# shellcheck disable=SC2016 # $1 and $2 are the statement's parameters
plan=$(psql "$pgdb" -Atq -c "PREPARE q(float8, float8) AS $(sed 's/:lng/$1/g; s/:lat/$2/g' <<<"$query" | tr -d ';')" \
  -c "EXPLAIN EXECUTE q($c_lng, $c_lat)" | grep -o 'Index Scan using [a-z_]*' || true)
[ -n "$plan" ] || { echo "PostGIS does not use its index for the query" >&2; exit 1; }

# The same ids in the same order, and the same distances to the metre, for 20 random points.
agree=$(python3 - "$base" "$pgdb" "$min_lat" "$min_lng" "$max_lat" "$max_lng" "$limit" <<'PY'
import json, random, subprocess, sys, urllib.request
base, pgdb = sys.argv[1], sys.argv[2]
a, b, c, d = map(float, sys.argv[3:7])
k = int(sys.argv[7])
same, worst = 0, 0.0
for _ in range(20):
    lat, lng = random.uniform(a, c), random.uniform(b, d)
    with urllib.request.urlopen(f"{base}/api/v1/stations/nearest?lat={lat:.6f}&lng={lng:.6f}&limit={k}&amenity=water") as r:
        api = [(f["id"], f["properties"]["distance_m"]) for f in json.load(r)["features"]]
    out = subprocess.run(["psql", pgdb, "-Atq", "-F", " ", "-c",
        f"SELECT id, geog <-> ST_SetSRID(ST_MakePoint({lng:.6f}, {lat:.6f}), 4326)::geography FROM stations "
        f"WHERE water ORDER BY 2 LIMIT {k}"], check=True, capture_output=True, text=True).stdout
    pg = [(int(i), float(m)) for i, m in (l.split() for l in out.split("\n") if l)]
    if [i for i, _ in api] == [i for i, _ in pg]:
        same += 1
        worst = max([worst] + [abs(x[1] - y[1]) for x, y in zip(api, pg)])
print(same, 20, round(worst, 2))
PY
)
read -r same tried worst <<<"$agree"

# The static twin: the answer from the city's centre, as a file under the site root.
twin="$twins/nearest.json"
curl -fs "$base/api/v1/stations/nearest?lat=$c_lat&lng=$c_lng&limit=$limit&amenity=water" -o "$twin"
twin_path="/${twin#target/site/}"
curl -fs "$base$twin_path?lat=$c_lat&lng=$c_lng" -o /dev/null || { echo "the server does not serve $twin_path" >&2; exit 1; }
bytes=$(stat -c %s "$twin")

pgbench_tps() {
  "$pgbench" -n -c "$clients" -j 2 -M prepared -T "$1" -f "$tmp/nearest.sql" "$pgdb" 2>&1 |
    awk '/^tps = .*without initial connection time/ { printf "%.2f\n", $3 } /^number of failed transactions/ { f = $4 } END { if (f + 0 > 0) print "failed " f > "/dev/stderr" }'
}
# requests/s and non-2xx answers (plus socket errors)
wrk_rps() {
  wrk -t2 -c"$conns" -d"$2s" --latency -s "$lua" "$base" -- "$1" "$min_lat" "$min_lng" "$max_lat" "$max_lng" "&limit=$limit&amenity=water" |
    awk '/^Requests\/sec:/ { r = $2 } /Non-2xx/ { bad += $NF } /Socket errors/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 } END { printf "%s %d", r, bad }'
}

echo "== nearest vs PostGIS: ${secs}s per run after ${warm}s warm-up; $(nproc) cores shared by client and server; load average $(cut -d' ' -f1-3 /proc/loadavg) ==" >&2
echo "stations: $n_all ($n_water with water); city box lat $min_lat..$max_lat, lng $min_lng..$max_lng" >&2
echo "PostGIS $(psql "$pgdb" -Atqc 'SELECT postgis_lib_version()'): $plan, geography sphere KNN, generic prepared plan" >&2
echo "same answers: $same of $tried random points (largest distance difference ${worst} m)" >&2

pgbench_tps "$warm" >/dev/null
pg_tps=$(pgbench_tps "$secs")
wrk_rps /api/v1/stations/nearest "$warm" >/dev/null
read -r api_rps api_bad <<<"$(wrk_rps /api/v1/stations/nearest "$secs")"
wrk_rps "$twin_path" "$warm" >/dev/null
read -r twin_rps twin_bad <<<"$(wrk_rps "$twin_path" "$secs")"

r_pg=$(awk -v a="$api_rps" -v b="$pg_tps" 'BEGIN { printf "%.2f", a / b }')
r_twin=$(awk -v a="$api_rps" -v b="$twin_rps" 'BEGIN { printf "%.2f", a / b }')
printf '%-34s %10s\n' "PostGIS KNN (pgbench, $clients clients) q/s" "$pg_tps"
printf '%-34s %10s\n' "API nearest (wrk, $conns conns) req/s" "$api_rps"
printf '%-34s %10s   (target >= 1.0)\n' "ratio API / PostGIS" "$r_pg"
printf '%-34s %10s   (%d bytes)\n' "static twin (wrk, $conns conns) req/s" "$twin_rps" "$bytes"
printf '%-34s %10s   (target >= 0.95)\n' "ratio API / static" "$r_twin"

fail=()
[ "$same" = "$tried" ] || fail+=("the API and PostGIS differ on $((tried - same)) of $tried points")
[ "$api_bad" = "0" ] || fail+=("the API answered $api_bad non-2xx or errors")
[ "$twin_bad" = "0" ] || fail+=("the twin answered $twin_bad non-2xx or errors")
awk -v r="$r_pg" 'BEGIN { exit !(r < 1.0) }' && fail+=("API/PostGIS $r_pg < 1.0")
awk -v r="$r_twin" 'BEGIN { exit !(r < 0.95) }' && fail+=("API/static $r_twin < 0.95")
if [ ${#fail[@]} -gt 0 ]; then
  printf 'below target: %s\n' "${fail[@]}"
  [ "$check" -eq 1 ] && exit 1
fi
echo "both targets met: $([ ${#fail[@]} -eq 0 ] && echo yes || echo no)"
