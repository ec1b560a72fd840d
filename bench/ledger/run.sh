#!/usr/bin/env bash
# Land ledger at 1,000,000 postings (issue 13): fills a new store with N postings through the store's write path
# (Metrocircle.Bench.Ledger), then measures one account's balance read over HTTP (wrk, one connection, signed in as
# the administrator) and the wall time of `metrocircle ledger verify`, on SQLite and on PostgreSQL + PostGIS in the
# same run. Output: bench/ledger/results/<UTC stamp>.txt.
#   bash bench/ledger/run.sh [POSTINGS=1000000] [PER_TRANSACTION=100] [WRK_SECONDS=20]
# STORES="sqlite postgis" (default) picks the stores; MC_SKIP_BUILD=1 reuses the last Release build.
# Needs wrk, python3, PostgreSQL 15 + PostGIS (as bench/load/mixed.sh installs). Listens on 127.0.0.1 only; stops and
# removes everything it started (KEEP=1 keeps the work folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
postings=${1:-1000000}
per=${2:-100}
wrk_seconds=${3:-20}
PGBIN=/usr/lib/postgresql/15/bin
ART=${ART:-/tmp/art-bench-ledger}

work=$(mktemp -d /tmp/mc-ledger-XXXXXX)
chmod 777 "$work"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -d "$work/pg" ] && as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 $(( $2 * 10 ))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "ledger bench: $1 did not answer within $2 s" >&2; return 1; }
post_json() { curl -fsS -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} -d "$2" "$1"; }
token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }

if [ -z "${MC_SKIP_BUILD:-}" ]; then
  # the web page is not needed to measure the API: the client build is skipped
  dotnet build -c Release src/Metrocircle -p:BuildClientApp=false -v q -nologo | grep -E " error |rror\(s\)" || true
  dotnet build -c Release bench/ledger/Metrocircle.Bench.Ledger --artifacts-path "$ART" -v q -nologo | grep -E " error |rror\(s\)" || true
fi
exe=(dotnet "$root/src/Metrocircle/bin/Release/net10.0/metrocircle.dll")
gen=(dotnet "$ART/bin/Metrocircle.Bench.Ledger/release/metrocircle-bench-ledger.dll")

mkdir -p bench/ledger/results
out="bench/ledger/results/$(date -u +%Y%m%dT%H%M%SZ)-${STORES:-sqlite-postgis}.txt"
out=${out// /-}
measure() {
  local kind=$1 store=$2
  echo "== $kind: seed and open the ledger"
  "${exe[@]}" seed --store "$store" | tail -n 1
  "${exe[@]}" ledger balances --store "$store" --json >"$work/$kind-balances.json"
  echo "== $kind: $postings postings, $per per transaction; load $(cut -d' ' -f1-3 /proc/loadavg)"
  "${gen[@]}" "$store" "$postings" "$per"
  local port; port=$(free_port)
  Logging__LogLevel__Default=Warning "${exe[@]}" serve --urls "http://127.0.0.1:$port" --store "$store" >"$work/$kind-serve.log" 2>&1 &
  local pid=$!; pids+=($pid)
  wait_for "http://127.0.0.1:$port/healthz" 300
  local otp; otp=$(sed -n 's/^ *one-time password: //p' "$work/$kind-serve.log" | head -n 1)
  local base="http://127.0.0.1:$port" pw="bench-$RANDOM$RANDOM-ledger"
  local t; t=$(post_json "$base/auth/sign-in" "{\"userName\":\"admin\",\"password\":\"$otp\"}" | token_of)
  post_json "$base/auth/password" "{\"currentPassword\":\"$otp\",\"newPassword\":\"$pw\"}" "$t" >/dev/null
  t=$(post_json "$base/auth/sign-in" "{\"userName\":\"admin\",\"password\":\"$pw\"}" | token_of)
  # one jurisdiction's account of the first kind and period: what the ledger page reads when an account is clicked
  local query; query=$(python3 -c 'import json,sys; b=[x for x in json.load(open(sys.argv[1])) if x["role"]=="jurisdiction"][0]; print("jurisdiction=%s&kind=%s&period=%s" % (b["jurisdiction"], b["kind"], b["period"]))' "$work/$kind-balances.json")
  curl -fsS -H "Authorization: Bearer $t" "$base/ledger/balances?$query" | head -c 300; echo
  wrk -t1 -c1 -d5s -H "Authorization: Bearer $t" "$base/ledger/balances?$query" >/dev/null   # warm-up
  echo "== $kind: GET /ledger/balances?$query, wrk -t1 -c1 -d${wrk_seconds}s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  wrk -t1 -c1 -d"${wrk_seconds}s" --latency -H "Authorization: Bearer $t" "$base/ledger/balances?$query" | sed -n '/Latency Distribution/,/Requests\/sec/p'
  echo "== $kind: GET /ledger/balances (every account, the page's table), wrk -t1 -c1 -d${wrk_seconds}s"
  wrk -t1 -c1 -d"${wrk_seconds}s" --latency -H "Authorization: Bearer $t" "$base/ledger/balances" | sed -n '/Latency Distribution/,/Requests\/sec/p'
  kill "$pid"; wait "$pid" 2>/dev/null || true
  for i in 1 2 3; do
    echo "== $kind: ledger verify, run $i; load $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" "${exe[@]}" ledger verify --store "$store"
  done
}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (uncommitted changes)')"
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); RAM $(free -g | awk '/Mem:/{print $2}') GB"
  echo "dotnet: $(dotnet --version)"
  echo "load before: $(uptime)"
  stores=${STORES:-sqlite postgis}
  [[ " $stores " == *" sqlite "* ]] && measure sqlite "sqlite:$work/metrocircle.sqlite"
  if [[ " $stores " == *" postgis "* ]]; then
  pg_port=$(free_port)
  as_pg "$PGBIN/initdb" -D "$work/pg" -U postgres -A trust >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "create database metrocircle" >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d metrocircle -c "create extension postgis" >/dev/null
  measure postgis "postgresql://postgres@127.0.0.1:$pg_port/metrocircle"
  fi
  echo "load after: $(uptime)"
} 2>&1 | tee "$out"
