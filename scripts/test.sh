#!/usr/bin/env bash
# The whole test suite: installs what it needs, then runs lint, types and tests on SQLite and
# on a real PostgreSQL server (plus the browser tests in Debian's Chromium), then the
# production-profile integration suite (PostgreSQL, Redis, Celery, SeaweedFS, gunicorn).
# Every stage runs even when an earlier one failed; a table of the stages, their status and
# wall time ends the run, which exits non-zero if any stage failed.
#
# Usage: scripts/test.sh [--quick] [extra pytest args]
#   --quick  ruff, mypy and the fast SQLite tests only (not browser, not slow, not
#            integration; stops at the first failure): the check to run before a commit.
set -uo pipefail
cd "$(dirname "$0")/.."

trap 'exit 130' INT TERM  # Ctrl-C ends the run (and its services), not just one stage
QUICK=0
if [ "${1:-}" = "--quick" ]; then QUICK=1; shift; fi
# `ruff format --check`: the whole tree is formatted by ruff (issue 15); FORMAT_CHECK=0 skips it.
FORMAT_CHECK=${FORMAT_CHECK:-1}
PYTEST=(.venv/bin/pytest -q -p no:cacheprovider --durations=25)

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv || exit 1; fi
# (bench: the benchmark harnesses have unit tests too.) The install is editable, so only a
# changed pyproject.toml needs it again (it takes half a minute even when nothing changes).
# The local mirror's "is ignored" notes are noise, filtered out.
stamp=.venv/.qiao-installed
want=$(sha256sum pyproject.toml | cut -d" " -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test,bench]' 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "pip install failed"; exit 1; }
  echo "$want" > "$stamp"
fi

if [ "$QUICK" = 0 ]; then
  # System packages the tests drive: Chromium (+ CJK fonts), PostgreSQL, Redis.
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" \
        >/dev/null || exit 1
    else
      echo "Missing system packages: ${need[*]} (run as root or install them)"; exit 1
    fi
  fi
fi

# --- stages ------------------------------------------------------------------------------
NAMES=() STATUS=() SECS=()
FAILED=0
now() { date +%s.%N; }

# stage NAME COMMAND...: run it, record its status and wall time, carry on either way.
stage() {
  local name=$1; shift
  echo; echo "== $name"
  local t0 rc; t0=$(now)
  "$@"; rc=$?
  NAMES+=("$name"); SECS+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')")
  if [ "$rc" = 0 ]; then STATUS+=("ok"); else STATUS+=("FAILED ($rc)"); FAILED=1; fi
  return 0
}

skip() {  # skip NAME REASON
  NAMES+=("$1"); STATUS+=("skipped: $2"); SECS+=("-")
}

summary() {
  echo; echo "== summary"
  printf "%-44s %-30s %9s\n" "stage" "status" "seconds"
  local i
  for i in "${!NAMES[@]}"; do
    printf "%-44s %-30s %9s\n" "${NAMES[$i]}" "${STATUS[$i]}" "${SECS[$i]}"
  done
  printf "%-44s %-30s %9s\n" "total" "$([ "$FAILED" = 0 ] && echo ok || echo FAILED)" \
    "$(awk -v a="$START" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
}
START=$(now)

stage "ruff" .venv/bin/ruff check src tests bench scripts
if [ "$FORMAT_CHECK" = 1 ]; then
  stage "ruff format --check" .venv/bin/ruff format --check src tests bench scripts
else
  skip "ruff format --check" "FORMAT_CHECK=0"
fi
stage "mypy" .venv/bin/mypy

if [ "$QUICK" = 1 ]; then
  stage "pytest on SQLite (quick)" "${PYTEST[@]}" -x \
    -m "not browser and not slow and not integration" "$@"
  summary
  exit "$FAILED"
fi

# (The integration tests run in their own stage, below, on this run's services.)
stage "pytest on SQLite (+ browser)" "${PYTEST[@]}" -m "not integration" "$@"

# Services of this run only: its own directory, ports that were free, stopped at the end.
export QIAO_SERVICES_DIR
QIAO_SERVICES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/qiao-run.XXXXXX")
cleanup() {
  scripts/services.sh stop || true
  if [ "$FAILED" = 0 ]; then
    rm -rf "$QIAO_SERVICES_DIR"
  else
    echo "services' data and logs kept in $QIAO_SERVICES_DIR"
  fi
}
trap cleanup EXIT

start_services() {  # start_services NAME...: eval each starter's exports, fail on the first
  local svc out
  for svc in "$@"; do
    out=$(scripts/services.sh "$svc") || { echo "could not start $svc"; return 1; }
    eval "$out"
  done
}

pg_stage() {
  start_services postgres || return 1
  DATABASE_URL="$QIAO_TEST_PG_URL" "${PYTEST[@]}" --ignore=tests/engines \
    -m "not browser and not embedded and not fuzz" "$@"
}
stage "pytest on PostgreSQL" pg_stage "$@"

integration_stage() {
  start_services postgres redis s3 || return 1
  QIAO_REQUIRE_INTEGRATION=1 "${PYTEST[@]}" -m integration tests/integration
}
stage "integration: PG + Redis + Celery + S3 + gunicorn, drills" integration_stage

summary
exit "$FAILED"
