#!/usr/bin/env bash
# bench/scale/run.sh — one plan at a given farmland size (issue 15, item 6: ten million parcels), Metrocircle beside
# PostGIS and MapServer on the same data in one run:
#   harness  ../shared/bench load.sh + synth.sh at FARMLAND_N (drops and rebuilds the harness database `anchors`;
#            PRESERVE_AS=NAME first renames an existing `anchors` database to NAME so that its data survive)
#   postgis  the harness's W1 (pgbench), W3 (ST_AsMVT, 150 tiles) and W4 (MapServer FastCGI, farmland items by bbox)
#   export   the files Metrocircle reads: farmland.geojsons (psql, lossless) and farmland_aea.gpkg, plus the small
#            layers' .gpkg / _aea.gpkg (ogr2ogr); skipped for files that already exist
#   import   `metrocircle import` of farmland.geojsons into SQLite (a seeded store with the harness's red line and
#            urban boundary) and into PostGIS (database mc_scale on the harness cluster); wall time and peak RSS
#   serve    `metrocircle serve` on each store: seconds until /readyz says the alignment snapshot is built, RSS then;
#            on SQLite also W1 over HTTP (POST /checks, wrk c=1) and farmland items by the W4 boxes (wrk -t2 -c4)
#   storecheck W1 in process on the SQLite store's own alignment snapshot (bench/alignment store, 10,000 calls of the
#            serve phase's POST /checks bodies): what the endpoint does between reading a body and storing the verdict
#   inproc   W1 in process (bench/alignment inproc, 10,000 calls) on PostGIS's own metric geometry (needs the
#            farmland_aea.gpkg the export phase writes when inproc is asked for)
#   tiles    bench/tiles/TilesBench on farmland.geojsons: the same 150 tiles, exact, beside the W3 figures above
# Output: bench/scale/results/<UTC stamp>-<N>/ (summary.md, raw logs). Env: ANCHORS_WORK (default
# /tmp/metrocircle-anchors-<N>), FARMLAND_N (10000000), PHASES (all of the above), SECONDS_PER_RUN (20), REPEATS (1),
# SERVE_STORES ("sqlite postgis"), ALIGNMENT_SNAPSHOT (1; 0 serves without building the alignment snapshot: no /readyz, no checks;
# since the compact snapshot, 10,000,000 parcels fit in 24 GB with it, see RESULTS "Ten million parcels with the compact
# snapshot"). At 10,000,000 parcels: PHASES="harness postgis export import serve".
# Run as root on Debian 12 with the harness's cluster tools (its install.sh is called).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
harness=$(cd "${HARNESS:-$root/../shared/bench}" && pwd)
export FARMLAND_N=${FARMLAND_N:-10000000}
export ANCHORS_WORK=${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-anchors-$FARMLAND_N}
PHASES=${PHASES:-"harness postgis export import serve storecheck inproc tiles"}
RUN_SECONDS=${SECONDS_PER_RUN:-20}
export REPEATS=${REPEATS:-1}
ART=${ART:-/tmp/art-bench-scale}
WORK=${SCALE_WORK:-${TMPDIR:-/tmp}/metrocircle-scale-$FARMLAND_N}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$here/results/$stamp-$FARMLAND_N
mkdir -p "$out" "$WORK"
exec > >(tee -a "$out/run.log") 2>&1
bash "$harness/install.sh" >/dev/null
. "$harness/env.sh"
D=$ANCHORS_WORK/data
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "== $(date -u +%H:%M:%S) $* (load $(load))"; }
want() { [[ " $PHASES " == *" $1 "* ]]; }
fig() { echo "| $1 | $2 | $3 | $(load) |" >> "$out/figures.md"; }   # what, value, unit
now() { date +%s.%N; }
since() { python3 -c "import sys,time; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$1"; }
{ echo "date: $(date -Is)"; echo "host: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "dotnet: $(dotnet --version)"; echo "commit: $(git -C "$root" rev-parse --short HEAD)"; echo "FARMLAND_N: $FARMLAND_N"
  echo "load at start: $(cat /proc/loadavg)"; } > "$out/machine.txt"
echo "| what | value | unit | load (1/5/15 min) after |" > "$out/figures.md"
echo "|---|---|---|---|" >> "$out/figures.md"
bash "$harness/cluster.sh" online || bash "$harness/cluster.sh" start

# ---------------------------------------------------------------- harness: load + synth at FARMLAND_N
if want harness; then
  if [[ -n ${PRESERVE_AS:-} ]] && psql -X -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'anchors'" | grep -q 1; then
    log "renaming database anchors to $PRESERVE_AS"
    psql -X -d postgres -qc "ALTER DATABASE anchors RENAME TO $PRESERVE_AS"
  fi
  log "harness load.sh"
  FRESH_DB=1 bash "$harness/load.sh" > "$out/harness_load.log" 2>&1
  log "harness synth.sh (FARMLAND_N=$FARMLAND_N)"
  t0=$(now); bash "$harness/synth.sh" > "$out/harness_synth.log" 2>&1; fig "PostGIS: synthesis of all layers (harness synth.sh)" "$(since "$t0")" s
  cat "$ANCHORS_WORK/results/synth_times.txt"
fi
parcels=$(psql -X -tAc "SELECT count(*) FROM farmland")
log "farmland parcels in the harness database: $parcels"
fig "farmland parcels in the harness database" "$parcels" rows
fig "PostGIS database size" "$(psql -X -tAc "SELECT pg_database_size('anchors') / 1048576")" MiB

# ---------------------------------------------------------------- PostGIS W1, W3 and MapServer W4
if want postgis; then
  log "harness bench.sh W1 W3 W4 (REPEATS=$REPEATS, W4_SECONDS=$RUN_SECONDS)"
  WORKLOADS="W1 W3 W4" W4_SECONDS=$RUN_SECONDS bash "$harness/bench.sh" > "$out/harness_bench.log" 2>&1
  cp "$ANCHORS_WORK/results/results.md" "$out/postgis_results.md"
  cp "$ANCHORS_WORK/results/raw.csv" "$out/postgis_raw.csv"
  log "PostGIS W1 x10000 with a per-transaction log (p50)"
  rm -f "$WORK"/pgbench_w1_log*
  pgbench -n -M prepared -f "$ANCHORS_WORK/results/w1.pgbench" -c 1 -j 1 -t 200 --random-seed=7 > /dev/null
  pgbench -n -M prepared -f "$ANCHORS_WORK/results/w1.pgbench" -c 1 -j 1 -t 10000 --random-seed=42 -l --log-prefix="$WORK/pgbench_w1_log" > "$out/pgbench_w1.txt" 2>&1
  p50=$(cat "$WORK"/pgbench_w1_log* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]/1000}')
  fig "PostGIS W1 check p50 (pgbench, prepared, c=1)" "$p50" ms
  grep -E '^\| W3 .*ms_per_tile|^\| W4 .*FastCGI.*req_per_s' "$out/postgis_results.md" | while IFS='|' read -r _ w size metric n mn med mx unit notes; do
    fig "PostGIS$( [[ $w == *W4* ]] && echo '/MapServer')$w$size $metric (median)" "$(echo $med)" "$(echo $unit)"
  done
fi

# ---------------------------------------------------------------- export of what Metrocircle reads
if want export; then
  PGCONN="PG:dbname=$PGDATABASE host=$PGHOST port=$PGPORT user=$PGUSER"
  psql -X -tAc "SELECT srtext FROM spatial_ref_sys WHERE srid = $AEA_SRID" > "$D/aea.wkt"
  psql -X -tAc "SELECT proj4text FROM spatial_ref_sys WHERE srid = $AEA_SRID" > "$D/aea.proj4"
  declare -A cols=([county]="id, adcode, name, city, province, mountain" [eco_redline]="id, func, area_ha"
                   [urban_boundary]="id, kind, label, area_ha" [projects]="id, kind, area_ha" [farmland]="id, county_id, dlbm, permanent, area_ha")
  gpkg() {  # gpkg TABLE GEOMCOL FILE
    [[ -s $3 ]] && return 0
    local srs=EPSG:4326; [[ $2 == geom_m ]] && srs=$D/aea.wkt
    ogr2ogr -f GPKG "$3" "$PGCONN" -nln "$1" -nlt MULTIPOLYGON -a_srs "$srs" -sql "SELECT ${cols[$1]}, $2 AS geom FROM $1 ORDER BY id"
  }
  t0=$(now)
  if [[ ! -s $D/farmland.geojsons ]]; then
    log "export farmland.geojsons"
    psql -X -q -At -v ON_ERROR_STOP=1 -v FETCH_COUNT=20000 -o "$D/farmland.geojsons" -c \
      "SELECT ST_AsGeoJSON(t.*, 'geom', 15) FROM (SELECT ${cols[farmland]}, geom FROM farmland ORDER BY id) t"
  fi
  log "export farmland_aea.gpkg and the small layers (two at a time)"
  fa=""
  if want inproc; then gpkg farmland geom_m "$D/farmland_aea.gpkg" & fa=$!; fi   # only W1 in process reads it
  for t in county eco_redline urban_boundary projects; do gpkg "$t" geom "$D/$t.gpkg"; gpkg "$t" geom_m "$D/${t}_aea.gpkg"; done
  [[ -z $fa ]] || wait "$fa"
  fig "export of the files Metrocircle reads (not a measured workload)" "$(since "$t0")" s
fi

# ---------------------------------------------------------------- Metrocircle import into SQLite and PostGIS
log "build metrocircle and the bench tools (Release)"
dotnet build "$root/src/Metrocircle" -c Release --artifacts-path "$ART" -p:BuildClientApp=false -nologo -v q > "$out/build.txt"
dotnet build "$root/bench/alignment/Metrocircle.Bench.Alignment" -c Release --artifacts-path "$ART" -nologo -v q >> "$out/build.txt"
dotnet build "$root/bench/tiles/TilesBench" -c Release --artifacts-path "$ART" -nologo -v q >> "$out/build.txt"
mc=(dotnet "$ART/bin/Metrocircle/release/metrocircle.dll")
bench=(dotnet "$ART/bin/Metrocircle.Bench.Alignment/release/metrocircle-bench-alignment.dll")
sqlite_store="sqlite:$WORK/plan.sqlite"
pg_store="postgresql://$PGUSER@localhost:$PGPORT/mc_scale?host=$PGHOST"
timed() {  # timed NAME LABEL command... : wall time and peak RSS from /usr/bin/time -v
  local name=$1 label=$2; shift 2
  log "$label"
  /usr/bin/time -v "$@" > "$out/$name.out" 2> "$out/$name.time" || { tail -5 "$out/$name.out" "$out/$name.time"; return 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/$name.time" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/$name.time")
  fig "$label: wall" "$wall" s
  fig "$label: peak RSS" "$((rss / 1024))" MiB
}
if want import; then
  rm -f "$WORK"/plan.sqlite*
  "${mc[@]}" seed --store "$sqlite_store" --dataset "$root/data/capital-circle" > "$out/seed_sqlite.log"
  for spec in "eco_redline ecological-redline control:ecological-redline" "urban_boundary urban-boundary control:urban-boundary"; do
    read -r file layer kind <<<"$spec"
    "${mc[@]}" import "$D/$file.gpkg" --layer "$layer" --kind "$kind" --rationale "scale benchmark" --certainty synthetic --store "$sqlite_store" > "$out/import_sqlite_$layer.log"
  done
  timed import_sqlite "Metrocircle import of farmland.geojsons into SQLite" \
    "${mc[@]}" import "$D/farmland.geojsons" --layer permanent-farmland --kind control:permanent-farmland --rationale "scale benchmark" --certainty synthetic --store "$sqlite_store"
  grep -E '^imported' "$out/import_sqlite.out" || true
  fig "SQLite store file size" "$(( $(stat -c %s "$WORK/plan.sqlite") / 1048576 ))" MiB
  psql -X -d postgres -qc "DROP DATABASE IF EXISTS mc_scale" -c "CREATE DATABASE mc_scale"
  psql -X -d mc_scale -qc "CREATE EXTENSION postgis"
  "${mc[@]}" seed --store "$pg_store" --dataset "$root/data/capital-circle" > "$out/seed_postgis.log"
  for spec in "eco_redline ecological-redline control:ecological-redline" "urban_boundary urban-boundary control:urban-boundary"; do
    read -r file layer kind <<<"$spec"
    "${mc[@]}" import "$D/$file.gpkg" --layer "$layer" --kind "$kind" --rationale "scale benchmark" --certainty synthetic --store "$pg_store" > "$out/import_postgis_$layer.log"
  done
  timed import_postgis "Metrocircle import of farmland.geojsons into PostGIS" \
    "${mc[@]}" import "$D/farmland.geojsons" --layer permanent-farmland --kind control:permanent-farmland --rationale "scale benchmark" --certainty synthetic --store "$pg_store"
  psql -X -qc "DROP TABLE IF EXISTS scale_ogr_farmland"
  timed ogr2ogr_postgis "ogr2ogr of farmland.geojsons into PostGIS (COPY, GiST index), the peer" \
    ogr2ogr -f PostgreSQL "PG:host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" "$D/farmland.geojsons" -nln scale_ogr_farmland \
    -nlt POLYGON -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST --config PG_USE_COPY YES -gt 65536
  psql -X -qc "DROP TABLE IF EXISTS scale_ogr_farmland"
fi

# ---------------------------------------------------------------- serve: snapshot build, RSS, W1 and items over HTTP
# VmRSS, then in brackets the anonymous part: since session 11 SQLite stores are read through a memory map of up to
# 2 GiB, and mapped file pages (the OS file cache) count in VmRSS as RssFile.
rss_mib() { awk '/^VmRSS:/{r=int($2/1024)} /^RssAnon:/{a=int($2/1024)} END{print r " [anon " a "]"}' "/proc/$1/status"; }
hwm_mib() { awk '/^VmHWM:/{print int($2/1024)}' "/proc/$1/status"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
serve_and_measure() {  # serve_and_measure LABEL STORE HTTP(0|1)
  local label=$1 store=$2 http=$3 port pid t0 ready=""
  port=$(free_port)
  export METROCIRCLE_CHECKS_PER_DAY=1000000
  "${mc[@]}" serve --urls "http://127.0.0.1:$port" --store "$store" > "$out/serve_$label.log" 2>&1 &
  pid=$!
  t0=$(now)
  for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.5; done
  fig "$label serve: process answers /healthz after" "$(since "$t0")" s
  fig "$label serve: RSS before any snapshot" "$(rss_mib "$pid")" MiB
  if [[ ${ALIGNMENT_SNAPSHOT:-1} == 0 ]]; then
    # Items and tiles alone: /readyz (which builds the alignment snapshot) and checks are left out.
    serve_reads "$label" "$port" "$pid"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    return 0
  fi
  for _ in $(seq 3600); do
    if curl -fs -o "$out/readyz_$label.json" "http://127.0.0.1:$port/readyz"; then ready=1; break; fi
    sleep 0.5
  done
  [[ -n $ready ]] || { log "$label: not ready within 30 min"; kill "$pid"; return 1; }
  fig "$label serve: /readyz ready (alignment snapshot built) after" "$(since "$t0")" s
  fig "$label serve: RSS with the snapshot built" "$(rss_mib "$pid")" MiB
  if [[ $http == 1 ]]; then
    onetime=$("${mc[@]}" users add "bench-scale-$port" --role proponent --store "$store" | sed -n 's/^one-time password: //p')
    signin() { curl -fs -H 'Content-Type: application/json' -d "{\"userName\":\"bench-scale-$port\",\"password\":\"$1\"}" "http://127.0.0.1:$port/auth/sign-in" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }
    password="bench-$(date +%s)-$RANDOM-password"
    curl -fs -o /dev/null -H "Authorization: Bearer $(signin "$onetime")" -H 'Content-Type: application/json' \
      -d "{\"currentPassword\":\"$onetime\",\"newPassword\":\"$password\"}" "http://127.0.0.1:$port/auth/password"
    export W1_TOKEN; W1_TOKEN=$(signin "$password")
    "${bench[@]}" bodies --data "$D" --out "$WORK/bodies.ndjson" --n 10000 --seed 42
    W1_BODIES=$WORK/bodies.ndjson wrk -t1 -c1 -d5s -s "$root/bench/alignment/w1.lua" "http://127.0.0.1:$port" > /dev/null
    W1_BODIES=$WORK/bodies.ndjson wrk -t1 -c1 -d"${RUN_SECONDS}s" --latency -s "$root/bench/alignment/w1.lua" "http://127.0.0.1:$port" > "$out/wrk_w1_$label.txt" 2>&1
    fig "$label W1 over HTTP (POST /checks, c=1): p50" "$(awk '$1=="50%"{print $2}' "$out/wrk_w1_$label.txt")" ""
    fig "$label W1 over HTTP (POST /checks, c=1): req/s" "$(sed -n 's/^Requests\/sec: *//p' "$out/wrk_w1_$label.txt")" req/s
    fig "$label W1 over HTTP: non-2xx" "$(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$out/wrk_w1_$label.txt" | grep . || echo 0)" ""
  fi
  serve_reads "$label" "$port" "$pid"
  fig "$label serve: RSS after the load (peak)" "$(rss_mib "$pid") ($(hwm_mib "$pid"))" MiB
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
serve_reads() {  # serve_reads LABEL PORT PID: farmland items by the W4 boxes, then the first tile (the tile snapshot's build)
  local label=$1 port=$2 pid=$3 t0
  # The first read of the plan counts and measures every layer (the host starts it when it listens); items wait for
  # it, so it is timed on its own and the load starts after it.
  t0=$(now)
  curl -fs -o /dev/null --max-time 1800 "http://127.0.0.1:$port/collections/permanent-farmland/items?limit=1" || true
  fig "$label serve: plan view read (layer counts and extents; items wait for it) done after" "$(since "$t0")" s
  if [[ -s $D/w4_bboxes.txt ]]; then
    W4_BBOXES=$D/w4_bboxes.txt W4_COLLECTION=permanent-farmland wrk -t2 -c4 -d5s -s "$here/items.lua" "http://127.0.0.1:$port" > /dev/null
    # A SQLite store builds the layer's in-memory box index on the first bbox page (22 s at 10M); the load is measured after it.
    if [[ $label == sqlite* ]]; then
      for _ in $(seq 1200); do grep -q "Box index of permanent-farmland" "$out/serve_$label.log" && break; sleep 0.5; done
      fig "$label serve: box index" "$(grep -o 'Box index of permanent-farmland.*' "$out/serve_$label.log" | sed 's/.*#[0-9]*: //' || echo none)" ""
      fig "$label serve: RSS with the box index" "$(rss_mib "$pid") ($(hwm_mib "$pid"))" MiB
    fi
    W4_BBOXES=$D/w4_bboxes.txt W4_COLLECTION=permanent-farmland wrk -t2 -c4 -d"${RUN_SECONDS}s" --latency -s "$here/items.lua" "http://127.0.0.1:$port" > "$out/wrk_items_$label.txt" 2>&1
    fig "$label items limit=100 by the W4 boxes (wrk -t2 -c4): req/s" "$(sed -n 's/^Requests\/sec: *//p' "$out/wrk_items_$label.txt")" req/s
    fig "$label items: p50" "$(awk '$1=="50%"{print $2}' "$out/wrk_items_$label.txt")" ""
    fig "$label items: non-2xx" "$(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$out/wrk_items_$label.txt" | grep . || echo 0)" ""
  fi
  if [[ -s $D/bench_tiles.csv ]]; then
    read -r z x y < <(awk -F, 'NR > 1 && $1 == 12 {print $1, $3, $4; exit}' "$D/bench_tiles.csv")
    t0=$(now)
    curl -fs -o /dev/null --max-time 1800 "http://127.0.0.1:$port/collections/permanent-farmland/tiles/WebMercatorQuad/$z/$y/$x" || true
    fig "$label first farmland tile z$z (builds the layer's tile snapshot)" "$(since "$t0")" s
    fig "$label serve: RSS with the tile snapshot" "$(rss_mib "$pid") ($(hwm_mib "$pid"))" MiB
  fi
}
if want serve; then
  for kind in ${SERVE_STORES:-sqlite postgis}; do
    if [[ $kind == sqlite ]]; then serve_and_measure sqlite "$sqlite_store" 1; else serve_and_measure postgis "$pg_store" 0; fi
  done
fi

# ---------------------------------------------------------------- W1 in process, tiles in process
if want storecheck; then
  [[ -s $WORK/bodies.ndjson ]] || "${bench[@]}" bodies --data "$D" --out "$WORK/bodies.ndjson" --n 10000 --seed 42
  log "W1 in process on the SQLite store's alignment snapshot (10,000 calls, 3 repeats)"
  /usr/bin/time -v "${bench[@]}" store --store "$sqlite_store" --bodies "$WORK/bodies.ndjson" --calls 10000 --repeats 3 \
    --out "$out/storecheck.json" > /dev/null 2> "$out/storecheck.log" || { tail -20 "$out/storecheck.log"; exit 1; }
  head -2 "$out/storecheck.log"
  python3 - "$out/storecheck.json" >> "$out/figures.md" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
load = r["w1"]["check"]["runs"][-1]["load"]
print(f"| W1 in process on the SQLite store's snapshot: farmland parcels in it | {r['snapshot']['features'].get('permanent-farmland', 0)} | features | {load} |")
print(f"| W1 in process on the SQLite store's snapshot: alignment snapshot build | {r['snapshot']['build_s']:.1f} | s | {load} |")
print(f"| W1 in process on the SQLite store's snapshot: check p50 (median of 3 x 10,000) | {r['w1']['check']['p50_ms_median']:.4f} | ms | {load} |")
print(f"| W1 in process on the SQLite store's snapshot: check + verdict document p50 | {r['w1']['check_and_document']['p50_ms_median']:.4f} | ms | {load} |")
PY
fi
if want inproc; then
  log "W1 in process (10,000 calls) and W2 once"
  "${bench[@]}" inproc --data "$D" --dataset "$root/data/capital-circle" --out "$out" --calls 10000 --repeats "$REPEATS" \
    --w2-runs 1 --w2-serial-runs 1 > /dev/null 2> "$out/inproc.log" || { tail -20 "$out/inproc.log"; exit 1; }
  tail -20 "$out/inproc.log"
fi
if want tiles; then
  [[ -s $D/bench_tiles.csv ]] || { log "no bench_tiles.csv: run the postgis phase first"; exit 1; }
  log "tiles in process (TilesBench, the 150 W3 tiles; PostGIS's own tiles for the content comparison)"
  psql -X -q -A -t -F, -c "SELECT z, x, y, coalesce(translate(encode(farmland_mvt(z, x, y), 'base64'), E'\n', ''), '') FROM bench_tiles ORDER BY z, i" > "$WORK/postgis_tiles.csv"
  /usr/bin/time -v dotnet "$ART/bin/TilesBench/release/TilesBench.dll" "$D" "$out" 3 "$WORK/postgis_tiles.csv" > "$out/tiles.out" 2> "$out/tiles.time"
  tail -30 "$out/tiles.out"
  fig "TilesBench process peak RSS (all parcels in a tile snapshot)" "$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/tiles.time") / 1024 ))" MiB
fi

{ echo "# Scale run: $FARMLAND_N farmland parcels ($stamp)"; echo; sed 's/^/    /' "$out/machine.txt"; echo; cat "$out/figures.md"; } > "$out/summary.md"
log "done: $out/summary.md"
