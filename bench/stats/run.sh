#!/usr/bin/env bash
# W5b (area of the farmland parcels by county, point-on-surface spatial join) against PostGIS, in one run:
# `metrocircle stats permanent-farmland --by harness-counties --json` on an SQLite store holding the harness's own
# county and farmland layers (lon/lat GeoPackages, imported with `metrocircle import`), and the harness's
# sql/w5b_area_by_county_spatial.sql through psql on the same machine, alternating, each timed by hyperfine with the
# load average recorded beside it; then the answers compared county by county (ids and counts exactly, areas 0.1%).
# Output: bench/stats/results/<UTC stamp>/ (summary.md and the raw files).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
harness=$(cd "${HARNESS:-$root/../shared/bench}" && pwd)
export ANCHORS_WORK=${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-anchors}
WORK=${STATS_WORK:-${TMPDIR:-/tmp}/metrocircle-bench-stats}
ART=${ART:-/tmp/art-bench-stats}
RUNS=${RUNS:-3} PG_RUNS=${PG_RUNS:-2}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$here/results/$stamp
mkdir -p "$out" "$WORK"
exec > >(tee -a "$out/run.log") 2>&1
data=$ANCHORS_WORK/data
export PGHOST=/var/run/postgresql PGPORT=${ANCHORS_PGPORT:-5498} PGUSER=anchors PGDATABASE=anchors
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "== $(date -u +%H:%M:%S) $* (load $(load))"; }

{ echo "date: $(date -Is)"; echo "host: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB";
  echo "dotnet: $(dotnet --version)"; echo "commit: ${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD)}";
  echo "load at start: $(cat /proc/loadavg)"; } > "$out/machine.txt"

log "build src/Metrocircle (Release, artifacts in $ART)"
dotnet build "$root/src/Metrocircle" -c Release --artifacts-path "$ART" -p:BuildClientApp=false -nologo -v q > "$out/build.txt"
mc="dotnet $ART/bin/Metrocircle/release/metrocircle.dll"
log "build bench/stats/Metrocircle.Bench.Stats (the same computation repeated in one process)"
dotnet build "$here/Metrocircle.Bench.Stats" -c Release --artifacts-path "$ART" -nologo -v q >> "$out/build.txt"
inproc="dotnet $ART/bin/Metrocircle.Bench.Stats/release/metrocircle-bench-stats.dll"
# The form README recommends for a deployment: published with ReadyToRun images (the start-up path precompiled).
log "publish src/Metrocircle with ReadyToRun (linux-x64, framework-dependent) into $ART/r2r"
dotnet publish "$root/src/Metrocircle" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:BuildClientApp=false \
  --artifacts-path "$ART/r2r-artifacts" -o "$ART/r2r" -nologo -v q >> "$out/build.txt"
INPROC_RUNS=${INPROC_RUNS:-5}

# The store is built once and kept (import is item 4's workload, not this one's); delete $WORK/w5.sqlite to rebuild.
store=$WORK/w5.sqlite
if [[ ! -f $store ]]; then
  rm -f "$store.partial"*
  log "seed + import county.gpkg, farmland.gpkg into $store"
  $mc seed --store "sqlite:$store.partial" --dataset "$root/data/capital-circle" > "$WORK/seed.log"
  $mc import "$data/county.gpkg" --layer harness-counties --kind thematic --rationale "W5 benchmark: the harness's counties" \
    --certainty synthetic --store "sqlite:$store.partial" > "$WORK/import_counties.log"
  /usr/bin/time -v $mc import "$data/farmland.gpkg" --layer permanent-farmland --kind control:permanent-farmland \
    --rationale "W5 benchmark: the harness's farmland" --certainty synthetic --store "sqlite:$store.partial" > "$WORK/import_farmland.log" 2> "$WORK/import_farmland.time"
  mv "$store.partial" "$store"
fi
grep -E '^imported' "$WORK"/import_*.log > "$out/import.txt" 2>/dev/null || true
cp "$WORK/import_farmland.time" "$out/" 2>/dev/null || true

stats="$mc stats permanent-farmland --by harness-counties --json --store sqlite:$store"
w5b="psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -f $harness/sql/w5b_area_by_county_spatial.sql"
log "answers"
$stats > "$out/metrocircle_w5b.json"
psql -X -q -v ON_ERROR_STOP=1 --csv -f "$harness/sql/w5b_area_by_county_spatial.sql" > "$out/postgis_w5b.csv"

# Alternate the sides so that all see the same machine; hyperfine records each command's runs, the loop the load.
# Four Metrocircle forms: the whole `metrocircle stats` process as a user starts it; the same with the runtime's
# tiered compilation off (DOTNET_TieredCompilation=0, a one-shot batch run's setting: every method compiled once,
# optimised); the same published with ReadyToRun images; and the computation repeated in a running process (bench/stats/Metrocircle.Bench.Stats), as the server
# makes it for a version it has not answered before and as PostGIS answers on its running cluster.
for round in $(seq 1 "$PG_RUNS"); do
  log "round $round: metrocircle stats x$RUNS"
  echo "metrocircle round=$round load_before=$(load)" >> "$out/load.txt"
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$out/hyperfine_metrocircle_$round.json" "$stats > /dev/null" > "$out/hyperfine_metrocircle_$round.txt"
  echo "metrocircle round=$round load_after=$(load)" >> "$out/load.txt"
  log "round $round: DOTNET_TieredCompilation=0 metrocircle stats x$RUNS"
  echo "metrocircle-tc0 round=$round load_before=$(load)" >> "$out/load.txt"
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$out/hyperfine_tc0_$round.json" "DOTNET_TieredCompilation=0 $stats > /dev/null" > "$out/hyperfine_tc0_$round.txt"
  echo "metrocircle-tc0 round=$round load_after=$(load)" >> "$out/load.txt"
  log "round $round: published ReadyToRun metrocircle stats x$RUNS"
  echo "metrocircle-r2r round=$round load_before=$(load)" >> "$out/load.txt"
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$out/hyperfine_r2r_$round.json" "dotnet $ART/r2r/metrocircle.dll${stats#"$mc"} > /dev/null" > "$out/hyperfine_r2r_$round.txt"
  echo "metrocircle-r2r round=$round load_after=$(load)" >> "$out/load.txt"
  log "round $round: in one process, warm-up + $INPROC_RUNS runs"
  echo "inprocess round=$round load_before=$(load)" >> "$out/load.txt"
  $inproc "sqlite:$store" permanent-farmland harness-counties "$INPROC_RUNS" "$out/inprocess_w5b.json" > "$out/inprocess_$round.txt"
  echo "inprocess round=$round load_after=$(load)" >> "$out/load.txt"
  log "round $round: PostGIS W5b x1 (parallel workers <= 2, the cluster's setting)"
  echo "postgis round=$round load_before=$(load)" >> "$out/load.txt"
  hyperfine --runs 1 --export-json "$out/hyperfine_postgis_$round.json" "$w5b" > "$out/hyperfine_postgis_$round.txt"
  echo "postgis round=$round load_after=$(load)" >> "$out/load.txt"
done
/usr/bin/time -v $stats > /dev/null 2> "$out/metrocircle_time_v.txt"

python3 "$here/summarize.py" "$out" | tee "$out/summary.md"
log "done: $out/summary.md"
