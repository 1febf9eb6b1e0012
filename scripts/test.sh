#!/usr/bin/env bash
# The whole test suite: installs what it needs, then runs lint, types and tests on SQLite and
# on a real PostgreSQL server (plus the browser tests in Debian's Chromium), then the
# production-profile integration suite (PostgreSQL, Redis, Celery, SeaweedFS, gunicorn).
# Usage: scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
# (bench: the benchmark harnesses have unit tests too.) The local mirror's "is ignored" notes
# are noise, filtered out.
.venv/bin/pip install -q --disable-pip-version-check -e '.[test,bench]' 2>&1 \
  | { grep -v "is ignored: it is neither a file nor a directory" || true; }

# System packages the tests drive: Chromium (+ CJK fonts), PostgreSQL, Redis.
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing system packages: ${need[*]} (run as root or install them)"; exit 1
  fi
fi

echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== mypy (engines)"; .venv/bin/mypy

echo "== pytest on SQLite"
.venv/bin/pytest -q -p no:cacheprovider "$@"

echo "== pytest on PostgreSQL"
eval "$(scripts/services.sh postgres)"
trap 'scripts/services.sh stop' EXIT
DATABASE_URL="$QIAO_TEST_PG_URL" .venv/bin/pytest -q -p no:cacheprovider \
  --ignore=tests/engines -m "not browser" "$@"

echo "== integration: PostgreSQL + Redis + Celery worker + SeaweedFS (S3) + gunicorn, fault drills"
redis_env=$(scripts/services.sh redis); eval "$redis_env"  # fails the run if it cannot start
s3_env=$(scripts/services.sh s3); eval "$s3_env"
QIAO_REQUIRE_INTEGRATION=1 .venv/bin/pytest -q -p no:cacheprovider -m integration tests/integration
