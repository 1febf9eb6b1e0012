#!/usr/bin/env bash
# Start throwaway service instances on 127.0.0.1 for the tests, each run in its own directory
# on ports that were free when it started, so runs side by side never share, reuse or stop
# each other's services. Each starter prints `export ...` lines for `eval`.
#   scripts/services.sh postgres   -> export QIAO_TEST_PG_URL=...
#   scripts/services.sh redis      -> export QIAO_TEST_REDIS_URL=...
#   scripts/services.sh s3         -> export QIAO_TEST_S3_ENDPOINT_URL=... (+ keys, bucket)
#   scripts/services.sh all        -> all three
#   scripts/services.sh stop       -> stops every service of this run (and nothing else)
#   scripts/services.sh stop-redis | stop-postgres   (fault drills; start again as above, on
#                                   the same port)
# The run's directory is $QIAO_SERVICES_DIR; when it is unset a new one is made
# (mktemp -d) and exported, so `eval "$(scripts/services.sh all)"` followed by
# `scripts/services.sh stop` in the same shell act on the same run. Ports are chosen free
# unless QIAO_TEST_{PG,REDIS,S3}_PORT set them; each is remembered in the run's directory
# (<service>.port), which is how a restart finds its port again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${QIAO_SERVICES_DIR:-}" ]; then
  case "${1:-}" in
    stop|stop-redis|stop-postgres)
      echo "QIAO_SERVICES_DIR is not set: no run to stop (nothing else is touched)" >&2; exit 2 ;;
  esac
  QIAO_SERVICES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/qiao-services.XXXXXX")
fi
ROOT=$QIAO_SERVICES_DIR
S3_KEY=${QIAO_TEST_S3_ACCESS_KEY_ID:-qiao-test-key}
S3_SECRET=${QIAO_TEST_S3_SECRET_ACCESS_KEY:-qiao-test-secret}
S3_BUCKET=${QIAO_TEST_S3_BUCKET:-qiao-media}
mkdir -p "$ROOT"
chmod 755 "$ROOT"  # the postgres user (as root) must reach $ROOT/pg

# A port nobody listens on now (with --grpc: port+10000 too, as SeaweedFS wants for gRPC).
free_port() {
  python3 - "$@" <<'PY'
import random, socket, sys
grpc = "--grpc" in sys.argv
def free(p):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            return False
    return True
if not grpc:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
    sys.exit()
for _ in range(500):
    p = random.randint(20000, 55000)
    if free(p) and free(p + 10000):
        print(p)
        sys.exit()
sys.exit("no free port pair")
PY
}

# The port of a service of this run: remembered, or given, or a free one (then remembered).
port_for() {  # name [env value] [--grpc]
  local name=$1 given=${2:-} file="$ROOT/$1.port"
  if [ ! -s "$file" ]; then
    if [ -n "$given" ]; then echo "$given" > "$file"; else free_port "${@:3}" > "$file"; fi
  fi
  cat "$file"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
  local bin port data="$ROOT/pg"; bin=$(pg_bin)
  port=$(port_for pg "${QIAO_TEST_PG_PORT:-}")
  if [ ! -s "$data/PG_VERSION" ]; then
    rm -rf "$data"; mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then chown postgres "$data"; fi
    as_pg "$bin/initdb" -D "$data" -U qiao --auth=trust -E UTF8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/log" -w -o "-p $port -k $data -h 127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  fi
  echo "export QIAO_SERVICES_DIR=$ROOT"
  echo "export QIAO_TEST_PG_URL=postgres://qiao@127.0.0.1:$port/qiao"
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U qiao qiao 2>/dev/null || true
}

# Is the process in this pid file alive?
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_redis() {
  local dir="$ROOT/redis" port
  port=$(port_for redis "${QIAO_TEST_REDIS_PORT:-}")
  mkdir -p "$dir"
  if ! alive "$dir/redis.pid"; then
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly yes \
      --appendfsync everysec >/dev/null
    local ok=""
    for _ in $(seq 1 100); do
      if alive "$dir/redis.pid" && redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
        ok=1; break
      fi
      sleep 0.1
    done
    if [ -z "$ok" ]; then echo "Redis did not start on port $port; see $dir/redis.log" >&2; exit 1; fi
  fi
  echo "export QIAO_SERVICES_DIR=$ROOT"
  echo "export QIAO_TEST_REDIS_URL=redis://127.0.0.1:$port/0"
}

http_ok() {  # no curl on a bare Debian: python3 is always there for this project
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" \
    >/dev/null 2>&1
}

weed_bin() {
  if [ -x .venv/bin/weed ]; then echo .venv/bin/weed; else command -v weed; fi
}

start_s3() {
  local dir="$ROOT/seaweedfs" weed s3 master volume filer; weed=$(weed_bin)
  # SeaweedFS: master, volume, filer and S3 gateway; gRPC ports are the HTTP port + 10000.
  s3=$(port_for s3 "${QIAO_TEST_S3_PORT:-}" --grpc)
  master=$(port_for s3-master "" --grpc)
  volume=$(port_for s3-volume "" --grpc)
  filer=$(port_for s3-filer "" --grpc)
  mkdir -p "$dir/data"
  cat > "$dir/s3.json" <<JSON
{"identities": [
  {"name": "qiao", "credentials": [{"accessKey": "$S3_KEY", "secretKey": "$S3_SECRET"}],
   "actions": ["Admin", "Read", "Write", "List", "Tagging"]},
  {"name": "anonymous", "actions": ["Read"]}
]}
JSON
  if ! alive "$dir/weed.pid"; then
    # -master.telemetry=false: nothing leaves this machine.
    nohup "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
      -master.port="$master" -volume.port="$volume" \
      -filer -filer.port="$filer" -s3 -s3.port="$s3" -s3.config="$dir/s3.json" \
      -master.telemetry=false -master.volumeSizeLimitMB=64 -volume.max=0 \
      -s3.port.iceberg=0 -s3.port.lance=0 \
      >"$dir/weed.log" 2>&1 &
    echo $! > "$dir/weed.pid"
    local ok=""
    for _ in $(seq 1 300); do
      if http_ok "http://127.0.0.1:$s3/healthz"; then ok=1; break; fi
      alive "$dir/weed.pid" || break
      sleep 0.2
    done
    if [ -z "$ok" ]; then echo "SeaweedFS did not start; see $dir/weed.log" >&2; exit 1; fi
  fi
  echo "export QIAO_SERVICES_DIR=$ROOT"
  echo "export QIAO_TEST_S3_ENDPOINT_URL=http://127.0.0.1:$s3"
  echo "export QIAO_TEST_S3_ACCESS_KEY_ID=$S3_KEY"
  echo "export QIAO_TEST_S3_SECRET_ACCESS_KEY=$S3_SECRET"
  echo "export QIAO_TEST_S3_BUCKET=$S3_BUCKET"
}

# For the fault drills: take one of this run's services away and bring it back.
stop_redis() {
  local dir="$ROOT/redis"
  alive "$dir/redis.pid" || return 0
  local pid; pid=$(cat "$dir/redis.pid")
  redis-cli -h 127.0.0.1 -p "$(cat "$ROOT/redis.port")" shutdown >/dev/null 2>&1 \
    || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/redis.pid"
}

stop_postgres() {
  local bin; bin=$(pg_bin)
  [ -s "$ROOT/pg/PG_VERSION" ] || return 0
  as_pg "$bin/pg_ctl" -D "$ROOT/pg" -m fast -w stop >/dev/null 2>&1 || true
}

stop_s3() {
  local dir="$ROOT/seaweedfs"
  alive "$dir/weed.pid" || return 0
  local pid; pid=$(cat "$dir/weed.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/weed.pid"
}

stop_all() {
  stop_postgres
  stop_redis
  stop_s3
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
