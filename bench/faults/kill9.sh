#!/usr/bin/env bash
# kill -9 of a real `metrocircle` process during case decisions (serve), a plan publish (import), an observation
# import (indicators import) and the posting of land-ledger transfers (serve), several times each, the publish, import
# and posting kills aimed before, at and just after the commit, on SQLite and on PostgreSQL + PostGIS; after each kill
# the store must verify (`audit-log verify`, `ledger verify`) and hold every write whole or not at all
# (bench/faults/kill9.py).
#   bash bench/faults/kill9.sh [sqlite|postgis|both=both] [ROUNDS=5]
# MC_STEPS=publish,observations,ledger runs a subset; MC_LEDGER_ROUNDS sets the ledger's kills apart from ROUNDS.
# Installs PostgreSQL + PostGIS with apt when missing (as root). Builds Release. Loopback only; removes what it started.
# Summaries go to bench/faults/results/kill9-STORE-DATE.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
which_stores=${1:-both}
rounds=${2:-5}
PGBIN=/usr/lib/postgresql/15/bin
if [ "$which_stores" != sqlite ]; then
  if ! { [ -x $PGBIN/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ]; } || ! command -v python3 >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "kill9: needs postgresql-15-postgis-3 and python3; run as root to install them" >&2; exit 1; }
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15-postgis-3 python3 >/dev/null
  fi
fi

work=$(mktemp -d /tmp/mc-kill9-XXXXXX)
chmod 777 "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -d "$work/pg" ] && as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${MC_SKIP_BUILD:-}" ]; then
  echo "== build (Release)"
  dotnet build -c Release src/Metrocircle -v q -nologo | grep -E " error |rror\(s\)" || true
fi
exe="dotnet $root/src/Metrocircle/bin/Release/net10.0/metrocircle.dll"
mkdir -p bench/faults/results
status=0
stamp=$(date -u +%Y%m%dT%H%M%SZ)

if [ "$which_stores" != postgis ]; then
  echo "== SQLite"
  mkdir -p "$work/sqlite"
  if [ -n "${MC_SEEDED_SQLITE:-}" ]; then cp "$MC_SEEDED_SQLITE" "$work/sqlite/store.sqlite"; else $exe seed --store "sqlite:$work/sqlite/store.sqlite" | tail -n 1; fi
  MC_EXE="$exe" MC_STORE="sqlite:$work/sqlite/store.sqlite" MC_WORK="$work/sqlite" MC_ROUNDS="$rounds" MC_KIND=sqlite \
    MC_OUT="bench/faults/results/kill9-sqlite-$stamp.json" python3 bench/faults/kill9.py || status=1
fi

if [ "$which_stores" != sqlite ]; then
  echo "== PostgreSQL + PostGIS"
  mkdir -p "$work/postgis"
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$PGBIN/initdb" -D "$work/pg" -U postgres -A trust >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "create database metrocircle" >/dev/null
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d metrocircle -c "create extension postgis" >/dev/null
  store="postgresql://postgres@127.0.0.1:$pg_port/metrocircle"
  $exe seed --store "$store" | tail -n 1
  MC_EXE="$exe" MC_STORE="$store" MC_WORK="$work/postgis" MC_ROUNDS="$rounds" MC_KIND=postgis \
    MC_OUT="bench/faults/results/kill9-postgis-$stamp.json" python3 bench/faults/kill9.py || status=1
fi
echo "== $(uptime)"
exit $status
