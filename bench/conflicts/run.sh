#!/usr/bin/env bash
# Conflicts at 1M parcels: every conflict patch of the harness's farmland parcels against the urban boundary and the
# ecological red line, PostGIS (conflicts.sql on cluster 15/anchors, read-only) and Metrocircle's ConflictDetector in
# process on the exported *_aea.gpkg, in one run; answers compared patch by patch. Output: results/<UTC stamp>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export ANCHORS_WORK=${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-anchors}
ART=${ART:-/tmp/art-bench-conflicts}
REPEATS=${REPEATS:-3} PG_REPEATS=${PG_REPEATS:-3}
export PGHOST=/var/run/postgresql PGPORT=${ANCHORS_PGPORT:-5498} PGUSER=anchors PGDATABASE=anchors
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$here/results/$stamp
mkdir -p "$out"
exec > >(tee -a "$out/run.log") 2>&1
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "== $(date -u +%H:%M:%S) $* (load $(load))"; }
data=$ANCHORS_WORK/data
[[ -f $ANCHORS_WORK/results/summary.md ]] || { echo "the harness has not finished: $ANCHORS_WORK/results/summary.md is missing"; exit 1; }

{ echo "date: $(date -Is)"; echo "host: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB";
  echo "dotnet: $(dotnet --version)"; echo "commit: $(git -C "$root" rev-parse --short HEAD)"; echo "postgis: $(psql -Atc 'select postgis_full_version()')";
  echo "load at start: $(cat /proc/loadavg)"; } > "$out/machine.txt"

# Never beside a harness pipeline step (it would time both).
while pgrep -f "shared/bench/(run-all|bench|load|synth|export)\.sh" >/dev/null; do log "a harness step is running; waiting"; sleep 15; done
# psql's \copy takes its query on one line.
sql=$(grep -v '^--' "$here/conflicts.sql" | tr '\n' ' ')

log "build (Release)"
[[ ${SKIP_BUILD:-0} == 1 ]] || dotnet build "$here/Metrocircle.Bench.Conflicts" -c Release --artifacts-path "$ART" -nologo -v q > "$out/build.txt"

# PostGIS: the same query PG_REPEATS times (the first run's answers kept), wall time per run from the client.
for r in $(seq 1 "$PG_REPEATS"); do
  log "PostGIS run $r"
  l=$(load)
  start=$(date +%s.%N)
  psql -X -q -v ON_ERROR_STOP=1 -c "\\copy ($sql) TO '$out/patches_postgis_run$r.csv' CSV HEADER"
  end=$(date +%s.%N)
  echo "postgis,$r,$(echo "$end - $start" | bc),$l,$(($(wc -l < "$out/patches_postgis_run$r.csv") - 1))" >> "$out/postgis_times.csv"
done
cp "$out/patches_postgis_run1.csv" "$out/patches_postgis.csv"
rm -f "$out"/patches_postgis_run*.csv
psql -X -Atc "EXPLAIN $sql" > "$out/explain.txt"

log "Metrocircle in process"
/usr/bin/time -v dotnet "$ART/bin/Metrocircle.Bench.Conflicts/release/metrocircle-bench-conflicts.dll" \
  --data "$data" --dataset "$root/data/capital-circle" --out "$out" --repeats "$REPEATS" --postgis "$out/patches_postgis.csv" \
  > "$out/inproc_stdout.json" 2> "$out/inproc_stderr.txt" || { cat "$out/inproc_stderr.txt"; exit 1; }
grep -E "Maximum resident|Elapsed" "$out/inproc_stderr.txt" || true
log "done: $out"
