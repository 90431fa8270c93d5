#!/usr/bin/env bash
# Benchmarks the staff console's work queue on a large data set in PostgreSQL (or SQLite):
# generates N residents (default 200 000, about 100 000 applications and tasks), starts the
# release server on it, and times the queue pages a supervisor (all departments) and a clerk
# (one department) open: first page, a deep page, the status and due filters, the console
# home; then the management figures over the same data: last month's report (supervisor and
# a head, JSON and the page), the backlog forecast, one look at the alert rules and the
# alerts list. Prints the median and 95th percentile of 30 requests each.
#
#   bench/queue.sh                      # PostgreSQL database minsheng_bench (recreated)
#   BENCH_RESIDENTS=50000 bench/queue.sh
#   BENCH_SQLITE=1 bench/queue.sh       # a SQLite file instead
#   BENCH_KEEP=1 bench/queue.sh         # reuse the data set of the last run
#
# Needs the release build (`cargo leptos build --release`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RESIDENTS="${BENCH_RESIDENTS:-200000}"
PORT="${BENCH_PORT:-3200}"
BASE="http://127.0.0.1:$PORT"
RUNS="${BENCH_RUNS:-30}"
DIR="${TMPDIR:-/tmp}/minsheng-bench"
mkdir -p "$DIR"
if [ "${BENCH_SQLITE:-}" = "1" ]; then
  export DATABASE_URL="sqlite://$DIR/bench.db?mode=rwc"
  [ "${BENCH_KEEP:-}" = "1" ] || rm -f "$DIR"/bench.db*
else
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/minsheng_bench"
  if [ "${BENCH_KEEP:-}" != "1" ]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS minsheng_bench WITH (FORCE)" -c "CREATE DATABASE minsheng_bench"
  fi
fi
export RUST_LOG=warn LEPTOS_OUTPUT_NAME=minsheng LEPTOS_SITE_ROOT=target/site \
  LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR="127.0.0.1:$PORT" MINSHENG_DEMO_DATA=false
# One client from loopback asking as fast as it can: the flood limit would measure itself.
export MINSHENG_RATE_PER_ADDRESS=off MINSHENG_RATE_PER_ACCOUNT=off

if [ "${BENCH_KEEP:-}" != "1" ]; then
  echo "generating $RESIDENTS residents into $DATABASE_URL"
  /usr/bin/time -f "generated in %e s, peak RSS %M KB" ./target/release/server demo --residents "$RESIDENTS"
fi

./target/release/server >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "$BASE/healthz" >/dev/null && break
  sleep 0.2
done

sign_in() {
  curl -s -o /dev/null -c - -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"minsheng-demo\"}" "$BASE/api/v1/staff/session" |
    awk '$6 == "ms_staff" { print "ms_staff=" $7 }'
}

measure() {
  local who="$1" cookie="$2" path="$3"
  local times
  times=$(for _ in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "cookie: $cookie" "$BASE$path"
  done)
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "cookie: $cookie" "$BASE$path")
  python3 - "$who" "$path" "$status" <<PY
import sys, statistics
times = sorted(float(t) * 1000 for t in """$times""".split())
p95 = times[int(len(times) * 0.95) - 1]
print(f"| {sys.argv[1]} | \`{sys.argv[2]}\` | {sys.argv[3]} | {statistics.median(times):.1f} | {p95:.1f} |")
PY
}

TASKS=$(curl -s -H "cookie: $(sign_in supervisor)" "$BASE/api/v1/staff/queue?status=completed" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(c["count"] for c in d["counts"]))')
echo "tasks in the database: $TASKS"
SUPERVISOR=$(sign_in supervisor)
CLERK=$(sign_in mz_clerk)
echo "| who | request | status | median ms | p95 ms |"
echo "|---|---|---|---|---|"
measure supervisor "$SUPERVISOR" "/api/v1/staff/home"
measure supervisor "$SUPERVISOR" "/api/v1/staff/queue"
measure supervisor "$SUPERVISOR" "/api/v1/staff/queue?page=200"
measure supervisor "$SUPERVISOR" "/api/v1/staff/queue?status=completed&page=500"
measure supervisor "$SUPERVISOR" "/api/v1/staff/queue?due=overdue"
measure clerk "$CLERK" "/api/v1/staff/home"
measure clerk "$CLERK" "/api/v1/staff/queue"
measure clerk "$CLERK" "/api/v1/staff/queue?status=submitted"
measure clerk "$CLERK" "/api/v1/staff/queue?due=due_soon"
measure clerk "$CLERK" "/admin/queue"

# 监测 · 决策: last month (China time) in full, and the forecast.
MONTH=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 day" +%Y-%m)
HEAD=$(sign_in mz_head)
measure supervisor "$SUPERVISOR" "/api/v1/staff/reports/$MONTH"
measure supervisor "$SUPERVISOR" "/admin/reports/$MONTH"
measure head "$HEAD" "/api/v1/staff/reports/$MONTH"
measure supervisor "$SUPERVISOR" "/api/v1/staff/forecast"

# 预警: one look at every rule (the job's work every five minutes, five times, the server's
# own run at start included), then the list a supervisor opens.
for _ in 1 2 3 4 5; do ./target/release/server check-alerts; done
measure supervisor "$SUPERVISOR" "/api/v1/staff/alerts"
measure supervisor "$SUPERVISOR" "/admin/alerts"
