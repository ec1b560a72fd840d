#!/usr/bin/env bash
# Two Metrocircle instances on one PostgreSQL + PostGIS database behind nginx (round robin), all on this machine,
# and what that must give: shared accounts and sessions, a publish served by both within a second, a stale decision
# refused across instances, and no acknowledged request lost when one instance is killed with SIGKILL mid-load.
# One command on a fresh Debian machine: it installs nginx, PostgreSQL + PostGIS and python3 with apt when missing
# (as root), builds Metrocircle, runs the demo and removes everything it started. Ends with the demo's verdict;
# exit 1 when a step fails. Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "cluster-demo: needs ${need[*]}; run as root to install them" >&2; exit 1; }
  echo "installing: ${need[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PGBIN=/usr/lib/postgresql/15/bin

work=$(mktemp -d /tmp/mc-cluster-XXXXXX)
chmod 777 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # url, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "cluster-demo: $1 did not answer within $2 s" >&2; return 1
}

echo "== build"
dotnet build src/Metrocircle -v q -nologo | grep -E " error |Warn|rror\(s\)" || true
exe=(dotnet "$root/src/Metrocircle/bin/Debug/net10.0/metrocircle.dll")

echo "== PostgreSQL + PostGIS"
pg_port=$(free_port)
as_pg "$PGBIN/initdb" -D "$work/pg" -U postgres -A trust >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "create database metrocircle" >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d metrocircle -c "create extension postgis" >/dev/null
store="postgresql://postgres@127.0.0.1:$pg_port/metrocircle"

echo "== seed the shared store (once)"
"${exe[@]}" seed --store "$store" | tail -n 2

echo "== two instances"
port_a=$(free_port); port_b=$(free_port); port_proxy=$(free_port)
# nginx runs on this machine, so 127.0.0.1 is the proxy whose X-Forwarded-For/-Proto the instances believe.
export METROCIRCLE_KNOWN_PROXIES=127.0.0.1
"${exe[@]}" serve --urls "http://127.0.0.1:$port_a" --store "$store" >"$work/a.log" 2>&1 & pids+=($!)
wait_for "http://127.0.0.1:$port_a/healthz" 120
"${exe[@]}" serve --urls "http://127.0.0.1:$port_b" --store "$store" >"$work/b.log" 2>&1 & pid_b=$!; pids+=($pid_b)
wait_for "http://127.0.0.1:$port_b/healthz" 120
admin_otp=$(sed -n 's/^ *one-time password: //p' "$work/a.log" | head -n 1)
[ -n "$admin_otp" ] || { echo "cluster-demo: instance A printed no one-time administrator password" >&2; cat "$work/a.log" >&2; exit 1; }
echo "A on :$port_a, B on :$port_b (pid $pid_b)"

echo "== nginx on :$port_proxy (round robin over A and B)"
mkdir -p "$work/nginx"
sed -e "s|@WORK@|$work|g" -e "s|@A@|127.0.0.1:$port_a|" -e "s|@B@|127.0.0.1:$port_b|" -e "s|@LISTEN@|127.0.0.1:$port_proxy|" \
  scripts/cluster-nginx.conf >"$work/nginx.conf"
"$NGINX" -p "$work/nginx" -c "$work/nginx.conf" -e "$work/nginx-error.log"
wait_for "http://127.0.0.1:$port_proxy/healthz" 10

cat >"$work/cluster-demo.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"site-1","properties":{"name":"demo site 1"},"geometry":{"type":"Point","coordinates":[116.40,39.90]}},
 {"type":"Feature","id":"site-2","properties":{"name":"demo site 2"},"geometry":{"type":"Point","coordinates":[116.70,39.52]}},
 {"type":"Feature","id":"site-3","properties":{"name":"demo site 3"},"geometry":{"type":"Point","coordinates":[117.20,39.13]}}]}
JSON

echo "== demo"
MC_A="http://127.0.0.1:$port_a" MC_B="http://127.0.0.1:$port_b" MC_PROXY="http://127.0.0.1:$port_proxy" \
MC_ADMIN_OTP="$admin_otp" MC_PID_B="$pid_b" MC_WORK="$work" \
MC_IMPORT_CMD="${exe[*]} import $work/cluster-demo.geojson --layer cluster-demo --rationale 'cluster demo' --title 'Cluster demo sites' --certainty synthetic --store $store" \
  python3 scripts/cluster_demo.py
status=$?
cp "$work/summary.json" "${CLUSTER_SUMMARY:-/dev/null}" 2>/dev/null || true
exit $status
