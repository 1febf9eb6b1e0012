#!/usr/bin/env bash
# Start throwaway service instances on 127.0.0.1 for the tests, under $QIAO_SERVICES_DIR
# (default /tmp/qiao-services). Each starter prints `export ...` lines for `eval`.
#   scripts/services.sh postgres   -> export QIAO_TEST_PG_URL=...
#   scripts/services.sh redis      -> export QIAO_TEST_REDIS_URL=...
#   scripts/services.sh s3         -> export QIAO_TEST_S3_ENDPOINT_URL=... (+ keys, bucket)
#   scripts/services.sh all        -> all three
#   scripts/services.sh stop       -> stops every service started here
#   scripts/services.sh stop-redis | stop-postgres   (fault drills; start again as above)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${QIAO_SERVICES_DIR:-/tmp/qiao-services}
PGPORT=${QIAO_TEST_PG_PORT:-55432}
REDISPORT=${QIAO_TEST_REDIS_PORT:-56379}
# SeaweedFS: master, volume, filer and S3 gateway (gRPC ports are the HTTP port + 10000).
S3PORT=${QIAO_TEST_S3_PORT:-18333}
S3_MASTER_PORT=${QIAO_TEST_S3_MASTER_PORT:-19333}
S3_VOLUME_PORT=${QIAO_TEST_S3_VOLUME_PORT:-18080}
S3_FILER_PORT=${QIAO_TEST_S3_FILER_PORT:-18888}
S3_KEY=${QIAO_TEST_S3_ACCESS_KEY_ID:-qiao-test-key}
S3_SECRET=${QIAO_TEST_S3_SECRET_ACCESS_KEY:-qiao-test-secret}
S3_BUCKET=${QIAO_TEST_S3_BUCKET:-qiao-media}
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

start_redis() {
  local dir="$ROOT/redis"
  mkdir -p "$dir"
  if ! redis-cli -h 127.0.0.1 -p "$REDISPORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDISPORT" --dir "$dir" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly yes \
      --appendfsync everysec >/dev/null
    for _ in $(seq 1 50); do
      redis-cli -h 127.0.0.1 -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1
    done
  fi
  echo "export QIAO_TEST_REDIS_URL=redis://127.0.0.1:$REDISPORT/0"
}

http_ok() {  # no curl on a bare Debian: python3 is always there for this project
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" \
    >/dev/null 2>&1
}

weed_bin() {
  if [ -x .venv/bin/weed ]; then echo .venv/bin/weed; else command -v weed; fi
}

start_s3() {
  local dir="$ROOT/seaweedfs" weed; weed=$(weed_bin)
  mkdir -p "$dir/data"
  cat > "$dir/s3.json" <<JSON
{"identities": [
  {"name": "qiao", "credentials": [{"accessKey": "$S3_KEY", "secretKey": "$S3_SECRET"}],
   "actions": ["Admin", "Read", "Write", "List", "Tagging"]},
  {"name": "anonymous", "actions": ["Read"]}
]}
JSON
  if ! http_ok "http://127.0.0.1:$S3PORT/healthz"; then
    # -master.telemetry=false: nothing leaves this machine.
    nohup "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
      -master.port="$S3_MASTER_PORT" -volume.port="$S3_VOLUME_PORT" \
      -filer -filer.port="$S3_FILER_PORT" -s3 -s3.port="$S3PORT" -s3.config="$dir/s3.json" \
      -master.telemetry=false -master.volumeSizeLimitMB=64 -volume.max=0 \
      -s3.port.iceberg=0 -s3.port.lance=0 \
      >"$dir/weed.log" 2>&1 &
    echo $! > "$dir/weed.pid"
    local ok=""
    for _ in $(seq 1 300); do
      if http_ok "http://127.0.0.1:$S3PORT/healthz"; then ok=1; break; fi
      sleep 0.2
    done
    if [ -z "$ok" ]; then echo "SeaweedFS did not start; see $dir/weed.log" >&2; exit 1; fi
  fi
  echo "export QIAO_TEST_S3_ENDPOINT_URL=http://127.0.0.1:$S3PORT"
  echo "export QIAO_TEST_S3_ACCESS_KEY_ID=$S3_KEY"
  echo "export QIAO_TEST_S3_SECRET_ACCESS_KEY=$S3_SECRET"
  echo "export QIAO_TEST_S3_BUCKET=$S3_BUCKET"
}

# For the fault drills: take one service away and bring it back.
stop_redis() {
  redis-cli -h 127.0.0.1 -p "$REDISPORT" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDISPORT" ping >/dev/null 2>&1 || break; sleep 0.1
  done
}

stop_postgres() {
  local bin; bin=$(pg_bin)
  as_pg "$bin/pg_ctl" -D "$ROOT/pg" -m fast -w stop >/dev/null 2>&1 || true
}

stop_all() {
  local bin; bin=$(pg_bin 2>/dev/null || true)
  if [ -n "$bin" ] && [ -d "$ROOT/pg" ]; then as_pg "$bin/pg_ctl" -D "$ROOT/pg" -m fast stop >/dev/null 2>&1 || true; fi
  if [ -s "$ROOT/redis/redis.pid" ]; then
    kill "$(cat "$ROOT/redis/redis.pid")" 2>/dev/null || true; rm -f "$ROOT/redis/redis.pid"
  fi
  if [ -s "$ROOT/seaweedfs/weed.pid" ]; then
    local pid; pid=$(cat "$ROOT/seaweedfs/weed.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$ROOT/seaweedfs/weed.pid"
  fi
}

case "${1:-}" in
  postgres) start_postgres ;;
  redis) start_redis ;;
  s3) start_s3 ;;
  all) start_postgres; start_redis; start_s3 ;;
  stop-redis) stop_redis ;;
  stop-postgres) stop_postgres ;;
  stop) stop_all ;;
  *) echo "usage: $0 postgres|redis|s3|all|stop|stop-redis|stop-postgres" >&2; exit 2 ;;
esac
