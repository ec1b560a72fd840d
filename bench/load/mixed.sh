#!/usr/bin/env bash
# Mixed HTTP load at N connections (anonymous item and tile reads, signed-in checks, case submissions and decisions)
# on one store: `sqlite` (one instance, clients straight to it) or `postgis` (PostgreSQL + PostGIS, two instances and
# nginx round robin in front, as scripts/cluster-demo.sh). 0 errors expected; p99 per endpoint and the RSS of every
# instance sampled every 5 s are printed and written to bench/load/results/mixed-STORE-DATE.json.
#   bash bench/load/mixed.sh sqlite|postgis [SECONDS=600] [CONNECTIONS=16]
# Installs nginx / PostgreSQL + PostGIS with apt when missing (as root). Builds Release. Listens on 127.0.0.1 only;
# removes everything it started. The per-account daily check quota is raised for the run (a load of thousands of
# checks stands for many proponents), and so is the per-address sign-in limit: every client here is 127.0.0.1, and
# county-level tasks make reviewer accounts (three sign-ins each) while the load runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
store_kind=${1:?usage: mixed.sh sqlite|postgis [SECONDS] [CONNECTIONS]}
duration=${2:-600}
connections=${3:-16}

need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "$store_kind" = postgis ]; then
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
  [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
fi
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "mixed: needs ${need[*]}; run as root to install them" >&2; exit 1; }
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PGBIN=/usr/lib/postgresql/15/bin

work=$(mktemp -d /tmp/mc-load-XXXXXX)
chmod 777 "$work"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -d "$work/pg" ] && as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 $(( $2 * 10 ))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "mixed: $1 did not answer within $2 s" >&2; return 1; }

if [ -z "${MC_SKIP_BUILD:-}" ]; then
  echo "== build (Release)"
  dotnet build -c Release src/Metrocircle -v q -nologo | grep -E " error |rror\(s\)" || true
fi
exe=(dotnet "$root/src/Metrocircle/bin/Release/net10.0/metrocircle.dll")
export METROCIRCLE_CHECKS_PER_DAY=1000000
export METROCIRCLE_SIGN_IN_PER_MINUTE=100000

if [ "$store_kind" = sqlite ]; then
  store="sqlite:$work/metrocircle.sqlite"
else
  echo "== PostgreSQL + PostGIS"
  pg_port=$(free_port)
  as_pg "$PGBIN/initdb" -D "$work/pg" -U postgres -A trust >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "create database metrocircle" >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d metrocircle -c "create extension postgis" >/dev/null
  store="postgresql://postgres@127.0.0.1:$pg_port/metrocircle"
fi

echo "== seed"
if [ -n "${MC_SEEDED_SQLITE:-}" ] && [ "$store_kind" = sqlite ]; then
  cp "$MC_SEEDED_SQLITE" "$work/metrocircle.sqlite"   # a copy of a freshly seeded store with no account yet
else
  "${exe[@]}" seed --store "$store" | tail -n 1
fi

port_a=$(free_port)
"${exe[@]}" serve --urls "http://127.0.0.1:$port_a" --store "$store" >"$work/a.log" 2>&1 & pid_a=$!; pids+=($pid_a)
wait_for "http://127.0.0.1:$port_a/healthz" 300
admin_otp=$(sed -n 's/^ *one-time password: //p' "$work/a.log" | head -n 1)
[ -n "$admin_otp" ] || { echo "mixed: the first instance printed no one-time administrator password" >&2; cat "$work/a.log" >&2; exit 1; }
base="http://127.0.0.1:$port_a"
server_pids=$pid_a
warm_bases=""
if [ "$store_kind" = postgis ]; then
  port_b=$(free_port); port_proxy=$(free_port)
  export METROCIRCLE_KNOWN_PROXIES=127.0.0.1
  "${exe[@]}" serve --urls "http://127.0.0.1:$port_b" --store "$store" >"$work/b.log" 2>&1 & pid_b=$!; pids+=($pid_b)
  wait_for "http://127.0.0.1:$port_b/healthz" 300
  mkdir -p "$work/nginx"
  sed -e "s|@WORK@|$work|g" -e "s|@A@|127.0.0.1:$port_a|" -e "s|@B@|127.0.0.1:$port_b|" -e "s|@LISTEN@|127.0.0.1:$port_proxy|" \
    scripts/cluster-nginx.conf >"$work/nginx.conf"
  "$NGINX" -p "$work/nginx" -c "$work/nginx.conf" -e "$work/nginx-error.log"
  wait_for "http://127.0.0.1:$port_proxy/healthz" 10
  base="http://127.0.0.1:$port_proxy"
  server_pids="$pid_a,$pid_b"
  warm_bases="http://127.0.0.1:$port_a,http://127.0.0.1:$port_b"
fi

mkdir -p bench/load/results
out="bench/load/results/mixed-$store_kind-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "== load: $connections connections, $duration s against $base ($store_kind); nproc $(nproc); $(uptime)"
status=0
MC_BASE="$base" MC_WARM_BASES="$warm_bases" MC_ADMIN_OTP="$admin_otp" MC_PIDS="$server_pids" MC_DURATION="$duration" MC_CONNECTIONS="$connections" \
  MC_WARMUP=$(( duration >= 300 ? 60 : 5 )) MC_OUT="$out" python3 bench/load/mixed.py || status=$?
echo "== after: $(uptime); written $out"
[ -f "$work/nginx-access.log" ] && echo "nginx: $(wc -l <"$work/nginx-access.log") requests, $(awk '$9 ~ /^5/' "$work/nginx-access.log" | wc -l) answered 5xx"
exit $status
