#!/usr/bin/env bash
# Alignment check (W1, W2) against PostGIS in one run: the harness's W1/W2, a 10,000-transaction pgbench log for
# W1 percentiles, Metrocircle in process (W1 single-thread latencies, W2 parallel and serial, answers compared with
# the fresh audit_w2.csv), then W1 over HTTP (POST /checks, wrk at concurrency 1 and 4) against a SQLite store
# holding the harness's layers. Output: bench/alignment/results/<UTC stamp>/ (summary.md and the raw files).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
harness=$(cd "${HARNESS:-$root/../shared/bench}" && pwd)
export ANCHORS_WORK=${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-anchors}
WORK=${ALIGN_WORK:-${TMPDIR:-/tmp}/metrocircle-bench-align}
ART=${ART:-/tmp/art-bench-align}
CALLS=${CALLS:-10000} REPEATS=${REPEATS:-3} W2_RUNS=${W2_RUNS:-3} W2_SERIAL_RUNS=${W2_SERIAL_RUNS:-3}
HTTP_SECONDS=${HTTP_SECONDS:-20} PORT=${PORT:-5497} QUIET_LOAD=${QUIET_LOAD:-2.0} QUIET_WAIT=${QUIET_WAIT:-180}
SKIP_POSTGIS=${SKIP_POSTGIS:-0} SKIP_HTTP=${SKIP_HTTP:-0}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$here/results/$stamp
mkdir -p "$out" "$WORK"
exec > >(tee -a "$out/run.log") 2>&1
data=$ANCHORS_WORK/data
export PGHOST=/var/run/postgresql PGPORT=${ANCHORS_PGPORT:-5498} PGUSER=anchors PGDATABASE=anchors
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "== $(date -u +%H:%M:%S) $* (load $(load))"; }
# Others share the two cores: wait (up to QUIET_WAIT s) until the 1-minute load falls below QUIET_LOAD.
quiet() {
  local waited=0
  while (( waited < QUIET_WAIT )) && awk -v q="$QUIET_LOAD" '{exit !($1 > q)}' /proc/loadavg; do sleep 5; waited=$((waited + 5)); done
  log "quiet check after ${waited}s"
}
# Never two harness pipelines at once.
while pgrep -f "shared/bench/(run-all|bench|load|synth|export)\.sh" >/dev/null; do log "another harness step is running; waiting"; sleep 15; done

{ echo "date: $(date -Is)"; echo "host: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB";
  echo "dotnet: $(dotnet --version)"; echo "commit: ${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD) (working tree may hold uncommitted changes of others)}";
  echo "load at start: $(cat /proc/loadavg)"; } > "$out/machine.txt"

log "build (Release, artifacts in $ART)"
dotnet build "$here/Metrocircle.Bench.Alignment" -c Release --artifacts-path "$ART" -nologo -v q > "$out/build.txt"
bench="dotnet $ART/bin/Metrocircle.Bench.Alignment/release/metrocircle-bench-alignment.dll"

# ---------------------------------------------------------------- PostGIS (harness W1, W2 + W1 percentiles)
if [[ $SKIP_POSTGIS != 1 ]]; then
  bash "$harness/cluster.sh" status | grep -q 'anchors.*online' || bash "$harness/cluster.sh" start
  quiet
  log "harness W1 W2"
  WORKLOADS="W1 W2" bash "$harness/bench.sh" > "$out/harness.txt" 2>&1
  R=$ANCHORS_WORK/results
  grep -E '^(workload|W1|W2),' "$R/raw.csv" > "$out/postgis_raw.csv"
  cp "$R"/machine.txt "$out/postgis_machine.txt"
  cp "$R"/pgbench_w1_c*_run*.txt "$R"/hyperfine_w2_par*.json "$R"/explain_w1_*.txt "$R"/explain_w2.txt "$out/" 2>/dev/null || true
  cp "$data/audit_w2.csv" "$out/audit_w2_postgis.csv"
  quiet
  log "pgbench W1 x$CALLS with per-transaction log (for p50/p99)"
  rm -f "$WORK"/pgbench_w1_log*
  pgbench -n -M prepared -f "$R/w1.pgbench" -c 1 -j 1 -t 200 --random-seed=7 > /dev/null
  echo "load=$(load)" > "$out/pgbench_w1_log_run.txt"
  pgbench -n -M prepared -f "$R/w1.pgbench" -c 1 -j 1 -t "$CALLS" --random-seed=42 -l --log-prefix="$WORK/pgbench_w1_log" >> "$out/pgbench_w1_log_run.txt" 2>&1
  cat "$WORK"/pgbench_w1_log* | awk '{print $3}' > "$out/pgbench_w1_latency_us.txt"
fi

# ---------------------------------------------------------------- Metrocircle in process
quiet
log "Metrocircle in process: W1 ($CALLS calls x $REPEATS), W2 ($W2_RUNS parallel, $W2_SERIAL_RUNS serial)"
$bench inproc --data "$data" --dataset "$root/data/capital-circle" --out "$out" --calls "$CALLS" --repeats "$REPEATS" \
  --w2-runs "$W2_RUNS" --w2-serial-runs "$W2_SERIAL_RUNS" > /dev/null 2> "$out/inproc.log"
cat "$out/inproc.log"

# ---------------------------------------------------------------- W1 over HTTP (its own script: a failure there is reported, not fatal)
if [[ $SKIP_HTTP != 1 ]]; then
  export here root data WORK ART REPEATS HTTP_SECONDS PORT QUIET_LOAD QUIET_WAIT out
  bash "$here/http.sh" || log "W1 over HTTP failed; see $out/run.log"
fi

python3 "$here/summarize.py" "$out" | tee "$out/summary.md"
log "done: $out"
