#!/usr/bin/env bash
# bench/tiles/run.sh — vector tiles: Metrocircle in process vs PostGIS ST_AsMVT on the harness's W3 tiles.
#
# Needs the shared harness (../shared/bench) with the 1M farmland built and exported ($ANCHORS_WORK/data/
# farmland.geojsons) and its cluster up; this script never runs the harness's load/synth/export itself.
#   1. PostGIS W3 (WORKLOADS=W3 bench.sh: warm-up + REPEATS timed passes, server-side, writes bench_tiles.csv)
#   2. dumps PostGIS's 150 tiles (base64) for the content comparison
#   3. Metrocircle: loads farmland.geojsons into a tile snapshot, times the same 150 tiles, exact and generalized
#      (warm-up + REPEATS passes, one thread, no tile cache), compares exact tiles with PostGIS's
#   4. PostGIS W3 again, so that both engines are measured twice under the machine's conditions of this run
# Output: bench/tiles/results/<UTC stamp>/. Env: ANCHORS_WORK, REPEATS (3), ART (build folder), WARMUP_SECONDS (2:
# warm-up passes before the timed ones, the first of them reported; 0 gives one pass, as before 2026-12-05).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
HARNESS="$(cd "${HARNESS:-$ROOT/../shared/bench}" && pwd)"
. "$HARNESS/env.sh"
REPEATS="${REPEATS:-3}"
ART="${ART:-/tmp/art-tiles-bench}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$HERE/results/$STAMP"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
say() { echo "== $(date +%H:%M:%S) $* (load $(cut -d' ' -f1-3 /proc/loadavg))"; }
D="$ANCHORS_WORK/data"
[ -s "$D/farmland.geojsons" ] || { echo "missing $D/farmland.geojsons: run the harness's synth.sh and export.sh first" >&2; exit 1; }
bash "$HARNESS/cluster.sh" online || { echo "harness cluster is down: bash $HARNESS/cluster.sh start" >&2; exit 1; }

say "build TilesBench (Release)"
dotnet build "$HERE/TilesBench" -c Release --artifacts-path "$ART" > "$OUT/build.txt"
DLL="$ART/bin/TilesBench/release/TilesBench.dll"

postgis() {  # postgis LABEL
  say "PostGIS W3 ($1)"
  WORKLOADS=W3 REPEATS="$REPEATS" bash "$HARNESS/bench.sh" > "$OUT/postgis_$1.log" 2>&1
  cp "$ANCHORS_WORK/results/raw.csv" "$OUT/postgis_raw_$1.csv"
  psql -X -q -A -F, -c "SELECT run, z, round(avg(ms)::numeric, 3) AS ms_per_tile, round(avg(bytes)) AS avg_bytes, max(bytes) AS max_bytes
    FROM bench_tile_times WHERE run > 0 GROUP BY run, z ORDER BY z, run" > "$OUT/postgis_summary_$1.csv"
  cat "$OUT/postgis_summary_$1.csv"
}

postgis before
say "dump PostGIS tiles"
psql -X -q -A -t -F, -c "SELECT z, x, y, coalesce(translate(encode(farmland_mvt(z, x, y), 'base64'), E'\n', ''), '') FROM bench_tiles ORDER BY z, i" > "$OUT/postgis_tiles.csv"
say "Metrocircle in process"
/usr/bin/time -v dotnet "$DLL" "$D" "$OUT" "$REPEATS" "$OUT/postgis_tiles.csv" 2> "$OUT/metrocircle_time.txt"
grep -E "Maximum resident|Elapsed" "$OUT/metrocircle_time.txt"
postgis after
rm -f "$OUT/postgis_tiles.csv"   # 150 tiles of base64; large and reproducible
{ cat /proc/cpuinfo | grep -m1 "model name"; nproc; free -g | sed -n 2p; dotnet --version; psql -X -tAc "SELECT postgis_full_version()"; } > "$OUT/machine.txt"
say "done: $OUT"
