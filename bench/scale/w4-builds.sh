#!/usr/bin/env bash
# bench/scale/w4-builds.sh: the harness's W4 (farmland items, limit 100, the 64 W4 boxes, wrk -t2 -c4, 20 s after 5 s
# of warm-up) against two Metrocircle builds on one SQLite store, one server at a time, in alternating rounds, with
# each server's memory after its round. For a store whose size has no MapServer peer at hand (the 10M store; use
# w4-side-by-side.sh where the harness holds the same rows). A build with the in-memory box index is measured once the
# index is built (its log line is printed).
#   STORE=/work/scale10m/plan.sqlite BOXES=$ANCHORS_WORK/data/w4_bboxes.txt ART_NEW=... ART_OLD=... ROUNDS=2 \
#     bash bench/scale/w4-builds.sh > results/w4-10m/....txt
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${STORE:?STORE=path of the SQLite store}" "${BOXES:?BOXES=the W4 boxes file}" "${ART_NEW:?}" "${ART_OLD:?}"
ROUNDS=${ROUNDS:-2}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
run() {  # run LABEL ART
  local port pid out log=/tmp/w4-builds-$1.log
  port=$(free_port)
  dotnet "$2/bin/Metrocircle/release/metrocircle.dll" serve --urls "http://127.0.0.1:$port" --store "sqlite:$STORE" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/collections/permanent-farmland/items?limit=1" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/collections/permanent-farmland/items?limit=1&bbox=$(head -1 "$BOXES")"
  if grep -q KeyBoxIndex "$2/bin/Metrocircle/release/Metrocircle.Core.dll"; then
    for _ in $(seq 600); do grep -q "Box index of permanent-farmland" "$log" && break; sleep 0.5; done
  fi
  W4_BBOXES=$BOXES W4_COLLECTION=permanent-farmland wrk -t2 -c4 -d5s -s "$here/items.lua" "http://127.0.0.1:$port" > /dev/null
  out=$(W4_BBOXES=$BOXES W4_COLLECTION=permanent-farmland wrk -t2 -c4 -d20s --latency -s "$here/items.lua" "http://127.0.0.1:$port")
  printf '%-4s %9s req/s  p50 %8s  load %s  %s  %s\n' "$1" "$(sed -n 's/^Requests\/sec: *//p' <<<"$out")" "$(awk '$1=="50%"{print $2}' <<<"$out")" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(grep -E 'VmRSS|RssAnon|RssFile' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')" \
    "$(grep -o 'Box index of permanent-farmland.*' "$log" || true)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
echo "date: $(date -Is); host: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); store $STORE"
for r in $(seq "$ROUNDS"); do run new "$ART_NEW"; run old "$ART_OLD"; done
