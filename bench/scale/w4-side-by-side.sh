#!/usr/bin/env bash
# bench/scale/w4-side-by-side.sh: the harness's W4 (farmland items, limit 100, the 64 W4 boxes, wrk -t2 -c4) against
# MapServer FastCGI and one or two Metrocircle builds on the same 1M store, in alternating rounds, so that every figure
# has its peer from the same minutes. Also fetches the 64 boxes' first and second pages from each build and compares
# them byte for byte (timeStamp and host aside). STORE is an SQLite file or a postgresql:// URL (a PostGIS store such
# as bench/scale's mc_scale).
#   STORE=/work/scale1m/plan.sqlite ANCHORS_WORK=/work/anchors1m ART_NEW=... [ART_OLD=...] ROUNDS=3 SECONDS_EACH=20 \
#     bash bench/scale/w4-side-by-side.sh > results/w4-....txt
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
harness=$(cd "$root/../shared/bench" && pwd)
. "$harness/env.sh"
: "${STORE:?STORE=path of the SQLite store, or postgresql:// URL of the PostGIS store, with permanent-farmland}" "${ART_NEW:?ART_NEW=artifacts path of the build to measure}"
ROUNDS=${ROUNDS:-3}; SECONDS_EACH=${SECONDS_EACH:-20}
if [[ $STORE == postgres*://* ]]; then store=$STORE; else store="sqlite:$STORE"; fi
D=$ANCHORS_WORK/data
boxes=$D/w4_bboxes.txt
load() { cut -d' ' -f1-3 /proc/loadavg; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo "date: $(date -Is); host: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); commit $(git -C "$root" rev-parse --short HEAD)"
echo "farmland rows in PostGIS: $(psql -X -tAc 'SELECT count(*) FROM farmland')"
bash "$harness/mapserver/serve.sh" start > /dev/null
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; bash "$harness/mapserver/serve.sh" stop > /dev/null 2>&1 || true; }
trap cleanup EXIT
declare -A port
start() {  # start LABEL ART
  local p; p=$(free_port)
  dotnet "$2/bin/Metrocircle/release/metrocircle.dll" serve --urls "http://127.0.0.1:$p" --store "$store" > "/tmp/w4sbs-$1.log" 2>&1 &
  pids+=($!); port[$1]=$p
  local up=0
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$p/collections/permanent-farmland/items?limit=1" && { up=1; break; }; sleep 0.5; done
  [[ $up == 1 ]] || { echo "$1 did not start" >&2; return 1; }
  # A build with the in-memory box index (3a00b9d on) starts it on the first bbox page and logs when it is ready;
  # the measured rounds start after that, so that they measure the index and not its build.
  # On PostGIS only builds from 6ba98b7 on have it (FromBoxIndexAsync, shared by both stores).
  local indexed=0
  if [[ $store == sqlite:* ]]; then grep -q KeyBoxIndex "$2/bin/Metrocircle/release/Metrocircle.Core.dll" && indexed=1
  else grep -q FromBoxIndexAsync "$2/bin/Metrocircle/release/Metrocircle.Storage.Relational.dll" && indexed=1; fi
  if [[ $indexed == 1 ]]; then
    curl -sf -o /dev/null "http://127.0.0.1:$p/collections/permanent-farmland/items?limit=1&bbox=$(head -1 "$boxes")"
    for _ in $(seq 600); do grep -q "Box index of permanent-farmland" "/tmp/w4sbs-$1.log" && break; sleep 0.5; done
    echo "$1: $(grep -o 'Box index of permanent-farmland.*' "/tmp/w4sbs-$1.log")"
  fi
}
ready() {  # the alignment snapshot is built at start; rounds begin once /readyz says so, so that its build does not share the cores with them
  for _ in $(seq 1200); do curl -sf -o /dev/null "http://127.0.0.1:${port[$1]}/readyz" && return 0; sleep 0.5; done
  echo "$1 not ready after 600 s" >&2; return 1
}
labels=(new); start new "$ART_NEW"
if [[ -n ${ART_OLD:-} ]]; then labels+=(old); start old "$ART_OLD"; fi
for l in "${labels[@]}"; do ready "$l"; done
echo "ready at $(date -u +%H:%M:%S), load $(load)"
ms="/fcgi/mapserv/anchors/ogcapi"
run() {  # run LABEL
  local out
  if [[ $1 == mapserver ]]; then
    W4_BBOXES=$boxes W4_PREFIX=$ms wrk -t2 -c4 -d2s -s "$harness/mapserver/w4.lua" "http://127.0.0.1:$ANCHORS_HTTP_PORT" > /dev/null
    out=$(W4_BBOXES=$boxes W4_PREFIX=$ms wrk -t2 -c4 -d"${SECONDS_EACH}s" --latency -s "$harness/mapserver/w4.lua" "http://127.0.0.1:$ANCHORS_HTTP_PORT")
  else
    W4_BBOXES=$boxes W4_COLLECTION=permanent-farmland wrk -t2 -c4 -d2s -s "$here/items.lua" "http://127.0.0.1:${port[$1]}" > /dev/null
    out=$(W4_BBOXES=$boxes W4_COLLECTION=permanent-farmland wrk -t2 -c4 -d"${SECONDS_EACH}s" --latency -s "$here/items.lua" "http://127.0.0.1:${port[$1]}")
  fi
  printf '%-10s %9s req/s  p50 %8s  non-2xx %s  load %s\n' "$1" "$(sed -n 's/^Requests\/sec: *//p' <<<"$out")" \
    "$(awk '$1=="50%"{print $2}' <<<"$out")" "$(sed -n 's/.*Non-2xx or 3xx responses: *//p' <<<"$out" | grep . || echo 0)" "$(load)"
}
for r in $(seq "$ROUNDS"); do
  echo "round $r"
  run mapserver
  for l in "${labels[@]}"; do run "$l"; done
done
if [[ ${#labels[@]} -eq 2 ]]; then
  same=0; differ=0; features=0
  while IFS= read -r b; do
    for page in 1 2; do
      a=$(curl -sf "http://127.0.0.1:${port[new]}/collections/permanent-farmland/items?f=json&limit=100&bbox=$b$([[ $page == 2 ]] && echo '&offset=100')" | sed -E 's/"timeStamp":"[^"]*"/"timeStamp":""/; s#http://127\.0\.0\.1:[0-9]+##g')
      o=$(curl -sf "http://127.0.0.1:${port[old]}/collections/permanent-farmland/items?f=json&limit=100&bbox=$b$([[ $page == 2 ]] && echo '&offset=100')" | sed -E 's/"timeStamp":"[^"]*"/"timeStamp":""/; s#http://127\.0\.0\.1:[0-9]+##g')
      if [[ "$a" == "$o" ]]; then same=$((same + 1)); else differ=$((differ + 1)); fi
      features=$((features + $(python3 -c 'import json,sys; print(json.load(sys.stdin)["numberReturned"])' <<<"$a")))
    done
  done < "$boxes"
  echo "pages identical between the builds: $same, differing: $differ ($features features compared)"
fi
