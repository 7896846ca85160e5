#!/usr/bin/env bash
# Lighthouse mobile on loopback: the main public pages of the release server, each loaded
# once by Lighthouse (from npm, pinned below) driving Debian's Chromium headless, with its
# default mobile settings (phone screen, simulated slow 4G and 4x CPU slowdown), the
# performance and accessibility categories only. One line per page: performance score,
# largest contentful paint, cumulative layout shift and accessibility score, each against
# its target (performance >= 0.98, LCP <= 1.8 s, CLS <= 0.05, accessibility 1.0); under
# the table, for a page that misses one, the failing audits Lighthouse blames. The JSON
# reports go to target/lighthouse/<page>.json.
#   scripts/lighthouse.sh [--check]
# `--check` exits 1 when a page misses a target. Needs the release build (make build) and
# Chromium (apt-get install chromium, or CHROME_PATH); installs Lighthouse into
# $LINLI_TOOLS_DIR when it is missing. About 12 s a page, 2 minutes in all on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
check=0
for a in "$@"; do
  case $a in
    --check) check=1 ;;
    *) echo "usage: scripts/lighthouse.sh [--check]" >&2; exit 2 ;;
  esac
done
# 12.8.2 is the newest Lighthouse that runs on Node 20 (13.x asks for Node >= 22.19).
lh_version=12.8.2
port=${LINLI_LIGHTHOUSE_PORT:-3198}
bin=target/release/linli
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "chromium missing: apt-get install chromium (or set CHROME_PATH)" >&2; exit 1; }
command -v node >/dev/null || { echo "node missing: apt-get install nodejs npm" >&2; exit 1; }

lh=$LINLI_TOOLS_DIR/node_modules/.bin/lighthouse
if [ "$("$lh" --version 2>/dev/null)" != "$lh_version" ]; then
  echo "[lighthouse] installing lighthouse@$lh_version (npm) into $LINLI_TOOLS_DIR" >&2
  mkdir -p "$LINLI_TOOLS_DIR"
  (cd "$LINLI_TOOLS_DIR" && npm install --no-audit --no-fund --silent "lighthouse@$lh_version")
fi

db=target/lighthouse.db
out=target/lighthouse
rm -f "$db" "$db-wal" "$db-shm"
rm -rf "$out"
mkdir -p "$out"
. scripts/demo-server.sh
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null' EXIT
start_demo_server "$db" "$port" "$bin"

# label | path
pages=(
  "home|/"
  "map|/map?lat=36.806&lng=118.048"
  "rider|/rider?lat=36.806&lng=118.048"
  "station|/station/1"
  "services|/services"
  "guide|/services/MZ-01"
  "book|/book?item=MZ-01"
  "wishes|/wishes"
  "activities|/activities"
)

echo "== lighthouse $lh_version, $("$CHROME_PATH" --version 2>/dev/null | head -n1), mobile, simulated throttling, $(nproc) cores shared with the server ==" >&2
start=$SECONDS
reports=()
for row in "${pages[@]}"; do
  IFS='|' read -r label path <<<"$row"
  # Every page answers 200 first (and the server's caches are warm, as in production).
  curl -fs -o /dev/null "$base$path" || { echo "$label: $path does not answer 200" >&2; exit 1; }
  t=$SECONDS
  if ! "$lh" "$base$path" --quiet --output=json --output-path="$out/$label.json" \
    --form-factor=mobile --throttling-method=simulate \
    --only-categories=performance,accessibility \
    --chrome-flags="--headless=new --no-sandbox" 2>"$out/$label.log"; then
    echo "$label: lighthouse failed, see $out/$label.log" >&2
    exit 1
  fi
  echo "[lighthouse] $label $path: $((SECONDS - t)) s" >&2
  reports+=("$label=$out/$label.json")
done

status=0
node - "${reports[@]}" <<'JS' || status=$?
const fs = require("fs");
const target = { perf: 0.98, lcp: 1.8, cls: 0.05, a11y: 1 };
const mark = (ok) => (ok ? "ok  " : "MISS");
const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad("page", 12)} ${pad("perf", 10)} ${pad("LCP s", 10)} ${pad("CLS", 11)} a11y`);
const notes = [];
for (const arg of process.argv.slice(2)) {
  const i = arg.indexOf("=");
  const label = arg.slice(0, i);
  const r = JSON.parse(fs.readFileSync(arg.slice(i + 1), "utf8"));
  if (r.runtimeError) notes.push(`${label}: runtime error ${r.runtimeError.code}: ${r.runtimeError.message}`);
  const perf = r.categories.performance.score ?? 0;
  const a11y = r.categories.accessibility.score ?? 0;
  const lcp = (r.audits["largest-contentful-paint"].numericValue ?? Infinity) / 1000;
  const cls = r.audits["cumulative-layout-shift"].numericValue ?? Infinity;
  const ok = { perf: perf >= target.perf, lcp: lcp <= target.lcp, cls: cls <= target.cls, a11y: a11y >= target.a11y };
  console.log(
    `${pad(label, 12)} ${perf.toFixed(2)} ${mark(ok.perf)}  ${lcp.toFixed(2)} ${mark(ok.lcp)}  ` +
      `${cls.toFixed(3)} ${mark(ok.cls)}  ${a11y.toFixed(2)} ${mark(ok.a11y)}`,
  );
  if (Object.values(ok).every(Boolean)) continue;
  // The causes: the category's failing audits, heaviest first, with what they point at.
  const where = (a) =>
    (a.details?.items ?? [])
      .flatMap((it) => (it.items && !it.node && !it.url ? it.items : [it]))
      .map((it) => {
        const n = it.node ?? (it.source?.type === "node" ? it.source : null);
        const shift = a.id === "layout-shifts" && typeof it.score === "number" ? ` shift ${it.score.toFixed(3)}` : "";
        if (n) return `${n.selector ?? n.snippet}${shift}${n.explanation ? ` (${n.explanation.split("\n")[1]?.trim() ?? n.explanation})` : ""}`;
        if (it.url) return `${it.url}${it.wastedMs ? ` ${Math.round(it.wastedMs)} ms` : ""}${it.wastedBytes ? ` ${Math.round(it.wastedBytes / 1024)} KiB` : ""}`;
        if (it.phase) return `${it.phase} ${it.percent ?? ""} ${Math.round(it.timing ?? 0)} ms`;
        return null;
      })
      .filter(Boolean)
      .slice(0, 5);
  const failing = (cat) =>
    r.categories[cat].auditRefs
      .filter((ref) => ref.group !== "hidden")
      .map((ref) => ({ ref, a: r.audits[ref.id] }))
      .filter(({ a }) => a.score !== null && a.score < 1 && !["informative", "notApplicable", "manual"].includes(a.scoreDisplayMode))
      .sort((x, y) => y.ref.weight - x.ref.weight || (y.a.metricSavings?.LCP ?? 0) - (x.a.metricSavings?.LCP ?? 0))
      .slice(0, 8);
  const lines = [];
  const show = (a) => {
    lines.push(`  - ${a.id}: ${a.title}${a.displayValue ? ` [${a.displayValue}]` : ""}`);
    for (const w of where(a)) lines.push(`      ${w}`);
  };
  if (!ok.perf || !ok.lcp || !ok.cls) failing("performance").forEach(({ a }) => show(a));
  if (!ok.lcp && r.audits["largest-contentful-paint-element"]) show(r.audits["largest-contentful-paint-element"]);
  if (!ok.cls && r.audits["layout-shifts"]) show(r.audits["layout-shifts"]);
  if (!ok.a11y) failing("accessibility").forEach(({ a }) => show(a));
  notes.push(`${label} (${r.finalDisplayedUrl}):\n${lines.join("\n")}`);
}
if (notes.length) {
  console.log(`\nmisses, with the audits Lighthouse blames:\n${notes.join("\n")}`);
  process.exit(3);
}
JS
echo "${#pages[@]} pages in $((SECONDS - start)) s; reports in $out/" >&2
# 3: a page misses a target; anything else non-zero: the reports could not be read.
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || exit "$status"
if [ "$status" -eq 3 ]; then
  echo "every page meets its targets: no"
  [ "$check" -eq 1 ] && exit 1
  exit 0
fi
echo "every page meets its targets: yes"
