#!/usr/bin/env bash
# Start throwaway service instances on 127.0.0.1 for the tests, under ./var/ci-services.
#   scripts/services.sh postgres   -> prints `export QIAO_TEST_PG_URL=...`
#   scripts/services.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${QIAO_SERVICES_DIR:-/tmp/qiao-services}
PGPORT=${QIAO_TEST_PG_PORT:-55432}
mkdir -p "$ROOT"

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

start_postgres() {
  local bin; bin=$(pg_bin)
  local data="$ROOT/pg"
  if [ ! -s "$data/PG_VERSION" ]; then
    rm -rf "$data"; mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then chown postgres "$ROOT" "$data"; fi
    as_pg "$bin/initdb" -D "$data" -U qiao --auth=trust -E UTF8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/log" -w -o "-p $PGPORT -k $data -h 127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  fi
  echo "export QIAO_TEST_PG_URL=postgres://qiao@127.0.0.1:$PGPORT/qiao"
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$PGPORT" -U qiao qiao 2>/dev/null || true
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_all() {
  local bin; bin=$(pg_bin 2>/dev/null || true)
  if [ -n "$bin" ] && [ -d "$ROOT/pg" ]; then as_pg "$bin/pg_ctl" -D "$ROOT/pg" -m fast stop >/dev/null 2>&1 || true; fi
}

case "${1:-}" in
  postgres) start_postgres ;;
  stop) stop_all ;;
  *) echo "usage: $0 postgres|stop" >&2; exit 2 ;;
esac
