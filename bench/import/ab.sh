#!/usr/bin/env bash
# Alternating rounds of the SQLite import: an earlier commit (OLD) against the working tree (NEW), and, when the
# harness's cluster is up, ogr2ogr into PostGIS in the same minutes. One file, copies of one seeded store, so that the
# host's speed (which has varied by 1.5x within an afternoon here) weighs on each side alike.
#   bash bench/import/ab.sh OLD_COMMIT [ROUNDS]     (FILE=path/to/farmland.geojsons; default: the harness's 1M export)
# Results: $AB_WORK/results.txt (AB_WORK default /tmp/metrocircle-import-ab).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
old=${1:?usage: ab.sh OLD_COMMIT [ROUNDS]}
rounds=${2:-3}
ANCHORS_WORK=${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-anchors}
FILE=${FILE:-$ANCHORS_WORK/data/farmland.geojsons}
AB_WORK=${AB_WORK:-${TMPDIR:-/tmp}/metrocircle-import-ab}
[[ -s $FILE ]] || { echo "no input file $FILE (set FILE, or run the harness first)" >&2; exit 1; }
mkdir -p "$AB_WORK"
cd "$AB_WORK"
out=$AB_WORK/results.txt

rm -rf old-src
git -C "$root" worktree remove --force "$AB_WORK/old-src" 2>/dev/null || true
git -C "$root" worktree add --detach "$AB_WORK/old-src" "$old" >/dev/null
dotnet build "$AB_WORK/old-src/src/Metrocircle" -c Release --artifacts-path "$AB_WORK/art-old" -p:BuildClientApp=false -nologo -v q > build-old.log
dotnet build "$root/src/Metrocircle" -c Release --artifacts-path "$AB_WORK/art-new" -p:BuildClientApp=false -nologo -v q > build-new.log
git -C "$root" worktree remove --force "$AB_WORK/old-src"
new=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+changes')
dll() { echo "$AB_WORK/art-$1/bin/Metrocircle/release/metrocircle.dll"; }
rm -f base.sqlite*
dotnet "$(dll new)" seed --store "sqlite:$AB_WORK/base.sqlite" --dataset "$root/data/capital-circle" > seed.log

export PGHOST=${PGHOST:-/var/run/postgresql} PGPORT=${ANCHORS_PGPORT:-5498} PGUSER=${PGUSER:-anchors} PGDATABASE=${PGDATABASE:-anchors}
pg=0; psql -qAtc 'select 1' >/dev/null 2>&1 && pg=1

{ echo "# $(date -u +%Y-%m-%dT%H:%MZ): $rounds alternating rounds, $FILE ($(wc -l < "$FILE") lines)"
  echo "# host: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); old = $old, new = $new; ogr2ogr into PostGIS: $([[ $pg == 1 ]] && echo yes || echo 'no (cluster down)')"; } | tee "$out"
measure() { # label, command...
  local label=$1; shift
  echo "== $label (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
  /usr/bin/time -v "$@" > run.out 2> run.time || { tail -5 run.out run.time; return 1; }
  grep -E '^imported' run.out | tee -a "$out" || true
  grep -E 'Elapsed|Maximum resident|User time|System time' run.time | sed 's/^\t/  /' | tr '\n' ';' | tee -a "$out"; echo | tee -a "$out"
}
for ((r = 1; r <= rounds; r++)); do
  for side in old new; do
    rm -f store.sqlite*; cp base.sqlite store.sqlite
    measure "$side round $r" dotnet "$(dll $side)" import "$FILE" --layer farmland --kind control:permanent-farmland \
      --rationale "import A/B" --certainty synthetic --store "sqlite:$AB_WORK/store.sqlite"
  done
  if [[ $pg == 1 ]]; then
    psql -qc 'CREATE SCHEMA IF NOT EXISTS import_ab' -c 'DROP TABLE IF EXISTS import_ab.farmland' >/dev/null
    measure "ogr2ogr round $r" ogr2ogr -f PostgreSQL "PG:host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" "$FILE" \
      -nln import_ab.farmland -nlt POLYGON -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST --config PG_USE_COPY YES -gt 65536
  fi
done
[[ $pg == 0 ]] || psql -qc 'DROP SCHEMA IF EXISTS import_ab CASCADE' >/dev/null
rm -f store.sqlite* base.sqlite*
echo "results: $out"
