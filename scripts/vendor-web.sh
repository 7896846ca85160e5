#!/usr/bin/env bash
# Copies the browser libraries pinned in web/package-lock.json (Leaflet and
# Leaflet.markercluster) into public/vendor/, where the server serves them as
# static files next to public/map.js. No bundler: the files are used as shipped.
# Safe to run repeatedly; npm runs only when web/node_modules is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

web=web
nm="$web/node_modules"
# npm writes node_modules/.package-lock.json last, so its age says when the tree
# was last installed (the directory's own mtime does not change on every install).
if [[ ! -d "$nm" || ! -f "$nm/.package-lock.json" || "$nm/.package-lock.json" -ot "$web/package-lock.json" ]]; then
  command -v npm >/dev/null || { echo "vendor-web: npm is required" >&2; exit 1; }
  (cd "$web" && npm ci --no-audit --no-fund --silent)
fi

leaflet="$nm/leaflet/dist"
cluster="$nm/leaflet.markercluster/dist"
out=public/vendor

# Start from empty directories so files dropped by an upgrade do not linger;
# cp -p keeps the package's mtimes, so unchanged files keep the same validators.
rm -rf "$out/leaflet" "$out/markercluster"
mkdir -p "$out/leaflet/images" "$out/markercluster"
cp -p "$leaflet/leaflet.js" "$leaflet/leaflet.css" "$out/leaflet/"
cp -p "$leaflet"/images/* "$out/leaflet/images/"
cp -p "$cluster/leaflet.markercluster.js" "$cluster/MarkerCluster.css" \
      "$cluster/MarkerCluster.Default.css" "$out/markercluster/"

echo "vendor-web: leaflet $(node -p "require('./$nm/leaflet/package.json').version" 2>/dev/null || echo '?')," \
     "markercluster $(node -p "require('./$nm/leaflet.markercluster/package.json').version" 2>/dev/null || echo '?') -> $out/"
