#!/usr/bin/env bash
# Every workload against its peer, in one go, on one machine (issue 15, item 7):
#   harness  ../shared/bench/run-all.sh (PostGIS + MapServer, data export) — only when $ANCHORS_WORK lacks its summary
#   w1w2     bench/alignment/run.sh   alignment check and batch audit vs PostGIS W1/W2
#   w3       bench/tiles/run.sh       vector tiles vs ST_AsMVT
#   w4       bench/ogc-items/run.sh   OGC API Features items vs MapServer 8
#   w5       bench/stats/run.sh       area by county (stats verb) vs PostGIS W5b
#   import   bench/import/run.sh      import of 1M parcels into SQLite vs ogr2ogr into PostGIS
#   scale    bench/scale/run.sh       the harness's own W4 (farmland items, MapServer) and serve-time memory at the
#                                     harness's size (FARMLAND_N), on the data already exported (no re-synthesis)
# Each step writes its own results folder; this script collects each step's summary into one table,
# bench/results-all/<UTC stamp>/summary.md, with the load average before and after each step.
# STEPS="w5 w1w2" runs a subset; a step that fails is recorded as failed and the others still run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
harness=$(cd "${HARNESS:-$root/../shared/bench}" && pwd)
export ANCHORS_WORK=${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-anchors}
STEPS=${STEPS:-"w1w2 w3 w4 w5 import scale"}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$here/results-all/$stamp
mkdir -p "$out"
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [[ ! -f $ANCHORS_WORK/results/summary.md ]]; then
  echo "== harness: no $ANCHORS_WORK/results/summary.md, running ../shared/bench/run-all.sh (KEEP_RUNNING=1)"
  KEEP_RUNNING=1 bash "$harness/run-all.sh" > "$out/harness.log" 2>&1 || { echo "harness failed; see $out/harness.log"; exit 1; }
fi
bash "$harness/cluster.sh" status 2>/dev/null | grep -q online || bash "$harness/cluster.sh" start > "$out/cluster.log" 2>&1

declare -A script=([w1w2]=alignment/run.sh [w3]=tiles/run.sh [w4]=ogc-items/run.sh [w5]=stats/run.sh [import]=import/run.sh [scale]=scale/run.sh)
declare -A results=([w1w2]=alignment/results [w3]=tiles/results [w4]=ogc-items/results [w5]=stats/results [import]=import/results [scale]=scale/results)
# The scale step re-measures on the harness's data as it stands (no load/synth of its own).
export PHASES=${PHASES:-"postgis export import serve storecheck inproc tiles"} FARMLAND_N=${FARMLAND_N:-1000000}
{
  echo "# Metrocircle vs its peers — one run ($stamp)"
  echo
  echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')."
  echo "Each figure is taken beside its peer within its step; ratios, not absolute times, are comparable across steps."
  echo
  echo "| step | result | load before | load after | summary |"
  echo "|---|---|---|---|---|"
} > "$out/summary.md"

for step in $STEPS; do
  [[ -n ${script[$step]:-} ]] || { echo "unknown step $step (known: ${!script[*]})"; continue; }
  before=$(load)
  echo "== $(date -u +%H:%M:%S) $step: bench/${script[$step]} (load $before)"
  if bash "$here/${script[$step]}" > "$out/$step.log" 2>&1; then status=ok; else status="failed ($?)"; fi
  after=$(load)
  latest=$(ls -d "$here/${results[$step]}"/*/ 2>/dev/null | sort | tail -1)
  summary=${latest:+${latest%/}/summary.md}
  [[ -f ${summary:-/nonexistent} ]] || summary="$out/$step.log"
  echo "| $step | $status | $before | $after | ${summary#$root/} |" >> "$out/summary.md"
done

echo >> "$out/summary.md"
for step in $STEPS; do
  latest=$(ls -d "$here/${results[$step]:-none}"/*/ 2>/dev/null | sort | tail -1)
  if [[ -n $latest && -f $latest/summary.md ]]; then
    { echo "## $step"; echo; sed -n '1,40p' "$latest/summary.md"; echo; } >> "$out/summary.md"
  fi
done
echo "== done: $out/summary.md"
