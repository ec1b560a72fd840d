#!/usr/bin/env bash
# Import of 1M farmland parcels: Metrocircle into SQLite and into PostGIS (a database `mc_import_bench` of the harness's
# cluster, dropped at the end) from .geojsons and .gpkg, and ogr2ogr into PostGIS for comparison, in one run.
# Input: $ANCHORS_WORK/data/farmland.{geojsons,gpkg} from ../shared/bench when present, else a synthetic stand-in
# made by make-parcels.py (N=${FARMLAND_N:-1000000}) in $IMPORT_WORK. Results: $IMPORT_WORK/results.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ANCHORS_WORK=${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-anchors}
IMPORT_WORK=${IMPORT_WORK:-${TMPDIR:-/tmp}/metrocircle-import-bench}
ART=${ART:-$IMPORT_WORK/art}
N=${FARMLAND_N:-1000000}
mkdir -p "$IMPORT_WORK"
cd "$IMPORT_WORK"

if [[ -s $ANCHORS_WORK/data/farmland.geojsons && -s $ANCHORS_WORK/data/farmland.gpkg ]]; then
  data=$ANCHORS_WORK/data
else
  data=$IMPORT_WORK
  [[ -s farmland.geojsons ]] || python3 "$here/make-parcels.py" "$N" farmland.geojsons
  [[ -s farmland.gpkg ]] || ogr2ogr -f GPKG farmland.gpkg farmland.geojsons -nln farmland
fi
echo "input: $data ($(wc -l < "$data/farmland.geojsons") lines)" | tee results.txt

dotnet build "$root/src/Metrocircle" -c Release --artifacts-path "$ART" ${BUILD_ARGS:-} >build.log
dll=$ART/bin/Metrocircle/release/metrocircle.dll
[[ -s base.sqlite ]] || dotnet "$dll" seed --store "sqlite:$IMPORT_WORK/base.sqlite" --dataset "$root/data/capital-circle" >seed.log

measure() { # name, command...
  local name=$1; shift
  echo "== $name (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a results.txt
  /usr/bin/time -v "$@" >"$name.out" 2>"$name.time" || { tail -5 "$name.out" "$name.time"; return 1; }
  grep -E '^imported' "$name.out" | tee -a results.txt || true
  grep -E 'Elapsed|Maximum resident|User time|System time|Percent of CPU' "$name.time" | sed 's/^\t/  /' | tee -a results.txt
}

for fmt in geojsons gpkg; do
  rm -f "sqlite-$fmt.sqlite"*
  cp base.sqlite "sqlite-$fmt.sqlite"
  measure "metrocircle-sqlite-$fmt" dotnet "$dll" import "$data/farmland.$fmt" --layer farmland --kind control:permanent-farmland \
    --rationale "import benchmark" --certainty synthetic --store "sqlite:$IMPORT_WORK/sqlite-$fmt.sqlite"
done

# PostGIS, if the harness's cluster is up: ogr2ogr with COPY into a schema of its own.
export PGHOST=${PGHOST:-/var/run/postgresql} PGPORT=${ANCHORS_PGPORT:-5498} PGUSER=${PGUSER:-anchors} PGDATABASE=${PGDATABASE:-anchors}
if psql -qAtc 'select 1' >/dev/null 2>&1; then
  psql -qc 'CREATE SCHEMA IF NOT EXISTS import_bench' >/dev/null
  for fmt in geojsons gpkg; do
    psql -qc 'DROP TABLE IF EXISTS import_bench.farmland' >/dev/null
    measure "ogr2ogr-postgis-$fmt" ogr2ogr -f PostgreSQL "PG:host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" \
      "$data/farmland.$fmt" -nln import_bench.farmland -nlt POLYGON -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST \
      --config PG_USE_COPY YES -gt 65536
    echo "  rows: $(psql -qAtc 'select count(*) from import_bench.farmland')" | tee -a results.txt
  done
  psql -qc 'DROP SCHEMA import_bench CASCADE' >/dev/null
  # Metrocircle into PostGIS: its own database on the same cluster, seeded once, the layer imported per format.
  for fmt in geojsons gpkg; do
    psql -qc 'DROP DATABASE IF EXISTS mc_import_bench' >/dev/null
    psql -qc 'CREATE DATABASE mc_import_bench' >/dev/null
    psql -d mc_import_bench -qc 'CREATE EXTENSION postgis' >/dev/null
    pgstore="postgresql://$PGUSER@localhost:$PGPORT/mc_import_bench?host=$PGHOST"
    dotnet "$dll" seed --store "$pgstore" --dataset "$root/data/capital-circle" >seed-postgis.log
    measure "metrocircle-postgis-$fmt" dotnet "$dll" import "$data/farmland.$fmt" --layer farmland --kind control:permanent-farmland \
      --rationale "import benchmark" --certainty synthetic --store "$pgstore"
    echo "  rows: $(psql -d mc_import_bench -qAtc "select count(*) from feature where layer_id = 'farmland' and to_seq is null" 2>/dev/null || echo '?')" | tee -a results.txt
  done
  psql -qc 'DROP DATABASE IF EXISTS mc_import_bench' >/dev/null
else
  echo "== PostGIS cluster not reachable on $PGHOST:$PGPORT; ogr2ogr comparison skipped" | tee -a results.txt
fi
