#!/usr/bin/env bash
# bench/ogc-items/profile.sh [bbox|all] — a short perf profile of Metrocircle under the benchmark's load.
# Starts Metrocircle (the Release build that run.sh uses; build it first) with a temporary store,
# request logging off and JIT symbols for perf, drives it with wrk as run.sh does, records 12 s of
# samples with `perf record -g`, and prints the self time grouped by perf-classify.py plus the
# inclusive time of the main Metrocircle methods. Output: results/profile-<workload>-<UTC time>/.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
WL="${1:-bbox}"
DLL="$ROOT/src/Metrocircle/bin/Release/net10.0/metrocircle.dll"
OUT="$HERE/results/profile-$WL-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$OUT"
STORE="$(mktemp -d /tmp/mcprof.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
(cd "$ROOT" && exec env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 Logging__LogLevel__Default=Warning \
  dotnet "$DLL" serve --urls "http://127.0.0.1:$PORT" --store "sqlite:$STORE/m.sqlite") > "$OUT/metrocircle.log" 2>&1 &
PID=$!
cleanup() {
  set +e
  kill -TERM "$PID" 2>/dev/null
  for _ in $(seq 50); do [ -d "/proc/$PID" ] || break; sleep 0.1; done
  [ -d "/proc/$PID" ] && kill -KILL "$PID" 2>/dev/null
  rm -rf "$STORE" "/tmp/perf-$PID.map"
}
trap cleanup EXIT
for _ in $(seq 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/collections/counties/items?limit=1" && break; sleep 0.5; done
python3 -c '
for j in range(8):
    for i in range(8):
        x, y = 114 + i * 0.625, 37 + j * 0.5625
        print(f"{x:.4f},{y:.4f},{x + 0.5:.4f},{y + 0.4:.4f}")' > "$OUT/bboxes.txt"
if [ "$WL" = bbox ]; then boxes="$OUT/bboxes.txt" query="f=json&limit=100"; else boxes="" query="f=json&limit=200"; fi
W4_BBOXES="$boxes" W4_PREFIX="" ITEMS_COLLECTION=counties ITEMS_QUERY="$query" \
  wrk -t2 -c4 -d25s --latency -s "$HERE/items.lua" "http://127.0.0.1:$PORT" > "$OUT/wrk.txt" 2>&1 &
WRK=$!
sleep 8
perf record -F 499 -g -p "$PID" -o "$OUT/perf.data" -- sleep 12 > /dev/null 2>&1
wait "$WRK"
grep -E 'Requests/sec' "$OUT/wrk.txt"
perf report -i "$OUT/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null > "$OUT/self.txt"
perf report -i "$OUT/perf.data" --children --sort sym --stdio -g none 2>/dev/null > "$OUT/children.txt"
echo "self time by bucket:"; python3 "$HERE/perf-classify.py" < "$OUT/self.txt" | tee "$OUT/buckets.txt"
echo "inclusive time of the main steps:"
grep -E 'GeoJsonFeatureWriter::Write|SqlitePlanStore\+<GetFeaturesAsync>|WKBReader::Read\(|PreparedPolygon::Intersects|PlanFeature::PublicProperties|System.Number::FormatFloat' \
  "$OUT/children.txt" | sed 's/(.*//; s/\[\.\] //' | sort -u -k3 | sort -rn | tee "$OUT/steps.txt"
