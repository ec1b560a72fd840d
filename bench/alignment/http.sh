#!/usr/bin/env bash
# W1 over HTTP, called by run.sh with its settings in the environment: a fresh SQLite store seeded with the default
# dataset, the harness's eco_redline / urban_boundary / farmland imported over the synthetic layers of the same ids
# (`metrocircle import`), `metrocircle serve`, a proponent account signed in with a bearer token, then wrk POST /checks
# at concurrency 1 and 4 (each request is authenticated against the store, as in production).
set -euo pipefail
load() { cut -d' ' -f1-3 /proc/loadavg; }
log() { echo "== $(date -u +%H:%M:%S) $* (load $(load))"; }
quiet() {
  local waited=0
  while (( waited < QUIET_WAIT )) && awk -v q="$QUIET_LOAD" '{exit !($1 > q)}' /proc/loadavg; do sleep 5; waited=$((waited + 5)); done
  log "quiet check after ${waited}s"
}
bench="dotnet $ART/bin/Metrocircle.Bench.Alignment/release/metrocircle-bench-alignment.dll"
log "build metrocircle (Release) and prepare the store"
dotnet build "$root/src/Metrocircle" -c Release --artifacts-path "$ART" -p:BuildClientApp=false -nologo -v q >> "$out/build.txt"
mc="dotnet $ART/bin/Metrocircle/release/metrocircle.dll"
base=$WORK/store-base.sqlite
if [[ ! -s $base ]]; then
  rm -f "$base"*
  $mc seed --store "sqlite:$base" --dataset "$root/data/capital-circle" > "$WORK/seed.log"
  for spec in "eco_redline ecological-redline control:ecological-redline" "urban_boundary urban-boundary control:urban-boundary" \
              "farmland permanent-farmland control:permanent-farmland"; do
    read -r file layer kind <<<"$spec"
    log "import $file.gpkg as $layer ($kind)"
    $mc import "$data/$file.gpkg" --layer "$layer" --kind "$kind" --rationale "alignment benchmark" --certainty synthetic --store "sqlite:$base" > "$WORK/import_$layer.log"
    grep -E '^imported' "$WORK/import_$layer.log" | tee -a "$WORK/import.log" || true
  done
fi
rm -f "$WORK"/store-http.sqlite*
cp "$base" "$WORK/store-http.sqlite"
$mc layers --store "sqlite:$WORK/store-http.sqlite" > "$out/http_layers.txt" 2>&1 || true
$bench bodies --data "$data" --out "$WORK/bodies.ndjson" --n 10000 --seed 42
# Checks need an account: a proponent with a one-time password, replaced after the first sign-in.
onetime=$($mc users add bench-proponent --role proponent --store "sqlite:$WORK/store-http.sqlite" | sed -n 's/^one-time password: //p')
# One account sends every check here; its daily quota (500 by default, then 429) is lifted, as bench/scale/run.sh
# and bench/load/mixed.sh do. Without it (2026-12-03 to 2026-12-05) all but the first 500 requests of a run were
# answered 429 and the table measured the refusal; summarize.py now marks any run with a non-2xx answer as invalid.
export METROCIRCLE_CHECKS_PER_DAY=1000000
$mc serve --urls "http://127.0.0.1:$PORT" --store "sqlite:$WORK/store-http.sqlite" > "$WORK/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$PORT/?f=json" >/dev/null && break; sleep 1; done
signin() { curl -fs -H 'Content-Type: application/json' -d "{\"userName\":\"bench-proponent\",\"password\":\"$1\"}" "http://127.0.0.1:$PORT/auth/sign-in" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }
password="bench-$(date +%s)-$RANDOM-password"
curl -fs -o /dev/null -H "Authorization: Bearer $(signin "$onetime")" -H 'Content-Type: application/json' \
  -d "{\"currentPassword\":\"$onetime\",\"newPassword\":\"$password\"}" "http://127.0.0.1:$PORT/auth/password"
export W1_TOKEN=$(signin "$password")
[[ -n $W1_TOKEN ]] || { echo "could not sign in as bench-proponent" >&2; exit 1; }
log "first POST /checks (the server builds its plan snapshot, 1M parcels projected, on the first check)"
head -1 "$WORK/bodies.ndjson" > "$WORK/one.json"
curl -s -o "$out/http_first_check.json" -w 'status %{http_code}, %{time_total} s\n' --max-time 900 \
  -H "Authorization: Bearer $W1_TOKEN" -H 'Content-Type: application/geo+json' --data-binary @"$WORK/one.json" "http://127.0.0.1:$PORT/checks" | tee "$out/http_first.txt"
W1_BODIES=$WORK/bodies.ndjson wrk -t1 -c1 -d5s -s "$here/w1.lua" "http://127.0.0.1:$PORT" > /dev/null   # warm-up
for run in $(seq "$REPEATS"); do
  for c in 1 4; do
    t=$(( c < 2 ? 1 : 2 ))
    quiet
    echo "load=$(load)" > "$out/wrk_c${c}_run$run.txt"
    W1_BODIES=$WORK/bodies.ndjson wrk -t$t -c$c -d"${HTTP_SECONDS}s" --latency -s "$here/w1.lua" "http://127.0.0.1:$PORT" >> "$out/wrk_c${c}_run$run.txt" 2>&1
    log "wrk c=$c run $run: $(sed -n 's/^Requests\/sec: *//p' "$out/wrk_c${c}_run$run.txt") req/s, non-2xx: $(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$out/wrk_c${c}_run$run.txt")"
  done
done
grep -c '"verdict"' "$out/http_first_check.json" >/dev/null || echo "first check did not return a verdict: see $out/http_first_check.json"
cp "$WORK/import.log" "$out/http_import.txt" 2>/dev/null || true
kill "$server"; wait "$server" 2>/dev/null || true; trap - EXIT
