#!/usr/bin/env bash
# Benchmarks "services find people" (事项找人) on a large data set in PostgreSQL (or SQLite):
# generates N residents (default 1 000 000), starts the release server on it and measures
#   1. segment previews for five representative rules (POST /api/v1/staff/segments/preview,
#      median and p95 of BENCH_RUNS requests), the bare count as the server compiles it and a
#      hand-written query of the same meaning, both timed in psql / sqlite3, and their ratio
#      (bench/segments_rules.py);
#   2. campaign fan-out: a segment of about 100 000 residents (an age band), one campaign
#      submitted with the approval threshold raised so it is sent at once; the time of the
#      submit request (it only schedules), the time until the background job has sent every
#      batch, and the residents reached;
#   3. live push: BENCH_SSE (default 10 000) resident sessions (residents spread over the
#      whole id range, so over every batch of the send) inserted straight into the
#      session table, one SSE stream each on GET /api/v1/me/events held against a freshly
#      started server, then one campaign reaching exactly them; delay from just before the
#      submit to each `event: notification` (p50, p99, how many arrived) and the server's peak
#      RSS (bench/sse_client.js, Node built-ins only); then, every stream still open,
#      BENCH_CASES (default 50) ordinary pushes: residents with a case waiting, a stream each,
#      whose department head accepts the case; delay to that resident's notification.
#
#   bench/segments.sh                         # PostgreSQL database minsheng_bench (recreated)
#   BENCH_RESIDENTS=20000 bench/segments.sh
#   BENCH_SQLITE=1 bench/segments.sh          # the SQLite file $TMPDIR/minsheng-bench/segments.db
#   BENCH_KEEP=1 bench/segments.sh            # reuse the data set of the last run
#   BENCH_PHASES="1 2" bench/segments.sh      # only some phases (default "1 2 3")
#   BENCH_TIMEOUT=60 ...                     # phase 1: give up on a rule slower than this (s)
#   BENCH_SSE=2000 BENCH_DB_POOL=20 ...       # fewer streams / a larger server pool
#   BENCH_SERVER=path/to/server ...           # another binary (default target/release/server)
#
# Needs the release build (`cargo leptos build --release`), psql or sqlite3, python3, node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RESIDENTS="${BENCH_RESIDENTS:-1000000}"
PORT="${BENCH_PORT:-3201}"
BASE="http://127.0.0.1:$PORT"
RUNS="${BENCH_RUNS:-10}"
SQL_RUNS="${BENCH_SQL_RUNS:-5}"
SSE="${BENCH_SSE:-10000}"
BENCH_CASES="${BENCH_CASES:-50}"
SERVER_BIN="${BENCH_SERVER:-./target/release/server}"
PHASES="${BENCH_PHASES:-1 2 3}"
DIR="${TMPDIR:-/tmp}/minsheng-bench"
export PGOPTIONS="-c client_min_messages=warning"
mkdir -p "$DIR"

# Both the server and the SSE client hold one descriptor per stream.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "open files limit: $(ulimit -n)"

if [ "${BENCH_SQLITE:-}" = "1" ]; then
  BACKEND=sqlite
  DB="$DIR/segments.db"
  export DATABASE_URL="sqlite://$DB?mode=rwc"
  [ "${BENCH_KEEP:-}" = "1" ] || rm -f "$DB" "$DB"-*
  sql() { sqlite3 -batch -bail -cmd ".timeout 30000" "$DB" "$1"; }
  sql_script() { sqlite3 -batch -bail -cmd ".timeout 30000" "$DB"; }
else
  BACKEND=pg
  DB="postgres://postgres@127.0.0.1:5432/minsheng_bench"
  export DATABASE_URL="$DB"
  if [ "${BENCH_KEEP:-}" != "1" ]; then
    psql -X -q -h 127.0.0.1 -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS minsheng_bench WITH (FORCE)" -c "CREATE DATABASE minsheng_bench"
  fi
  sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$DB" -c "$1"; }
  sql_script() { psql -X -q -At -v ON_ERROR_STOP=1 "$DB"; }
fi
export RUST_LOG="${RUST_LOG:-warn,store::campaigns=info,server::jobs=info,server::push=info}" LEPTOS_OUTPUT_NAME=minsheng \
  LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
  MINSHENG_DEMO_DATA=false MINSHENG_CAMPAIGN_APPROVAL_ABOVE=10000000
# 10 000 event streams from one address: the flood limit would refuse all but the first few
# hundred, so it is off here (it is measured by its own tests).
export MINSHENG_RATE_PER_ADDRESS=off MINSHENG_RATE_PER_ACCOUNT=off
[ -n "${BENCH_DB_POOL:-}" ] && export MINSHENG_DB_MAX_CONNECTIONS="$BENCH_DB_POOL"

if [ "${BENCH_KEEP:-}" != "1" ]; then
  echo "generating $RESIDENTS residents into $DATABASE_URL"
  /usr/bin/time -f "generated in %e s, peak RSS %M KB" "$SERVER_BIN" demo --residents "$RESIDENTS"
  [ "$BACKEND" = pg ] && sql "VACUUM ANALYZE" >/dev/null
fi
echo "backend: $BACKEND; residents in the database: $(sql "SELECT count(*) FROM resident")"

SERVER=
start_server() {
  for _ in $(seq 1 50); do  # the previous server may still be letting go of the port
    curl -s -o /dev/null "$BASE/healthz" || break
    sleep 0.2
  done
  "$SERVER_BIN" >>"$DIR/segments-server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 150); do
    if curl -sf "$BASE/healthz" >/dev/null; then
      kill -0 "$SERVER" 2>/dev/null && return 0
      break
    fi
    sleep 0.2
  done
  echo "the server did not start (or another one holds port $PORT); see $DIR/segments-server.log" >&2
  exit 1
}
stop_server() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
  fi
}
trap stop_server EXIT
trap 'echo "failed at line $LINENO" >&2' ERR

# Writes can fail while the server's minute job holds the database (SQLite: "database is
# locked"), so set-up requests are retried; the measured requests never are.
sign_in() {
  local cookie=
  for _ in $(seq 1 20); do
    cookie=$(curl -s -o /dev/null -c - -H 'content-type: application/json' \
      -d "{\"username\":\"$1\",\"password\":\"minsheng-demo\"}" "$BASE/api/v1/staff/session" |
      awk '$6 == "ms_staff" { print "ms_staff=" $7 }')
    [ -n "$cookie" ] && break
    echo "sign-in of $1 failed; retrying" >&2
    sleep 3
  done
  echo "$cookie"
}
# POST JSON with the supervisor's cookie; prints the body.
api() {
  local out
  for _ in $(seq 1 20); do
    out=$(curl -s -w '\n%{http_code}' -H "cookie: $SUPERVISOR" -H 'content-type: application/json' -d "$2" "$BASE$1")
    case "${out##*$'\n'}" in 5*) echo "$1 answered ${out##*$'\n'}; retrying" >&2; sleep 3 ;; *) break ;; esac
  done
  echo "${out%$'\n'*}"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Bench campaigns of earlier runs (BENCH_KEEP=1): remove what they sent, so that "never
# recommended before" and the weekly cap do not shrink this run's audiences.
sql "DELETE FROM notification WHERE kind = 'recommendation' AND created_at IN
       (SELECT sent_at FROM campaign WHERE name LIKE 'bench %' AND sent_at IS NOT NULL);
     DELETE FROM recommendation WHERE campaign_id IN (SELECT id FROM campaign WHERE name LIKE 'bench %');
     UPDATE campaign SET status = 'cancelled' WHERE name LIKE 'bench %' AND status <> 'sent';
     DELETE FROM session WHERE user_agent = 'minsheng-bench';" >/dev/null
[ "$BACKEND" = pg ] && sql "VACUUM ANALYZE recommendation, notification, session" >/dev/null

: >"$DIR/segments-server.log"
start_server
SUPERVISOR=$(sign_in supervisor)
[ -n "$SUPERVISOR" ] || { echo "supervisor sign-in failed" >&2; exit 1; }

# ---------------------------------------------------------------------------------------
if [[ " $PHASES " == *" 1 "* ]]; then
  # The district holding the most residents, the service with the most applications.
  TOP_REGION=$(sql "SELECT region_id FROM resident GROUP BY region_id ORDER BY count(*) DESC LIMIT 1")
  DISTRICT=$(sql "SELECT d.id FROM region d, region r WHERE r.id = $TOP_REGION AND d.kind = 'district'
                    AND r.path LIKE '%/' || d.id || '/%' LIMIT 1")
  SERVICE=$(sql "SELECT service_id FROM task GROUP BY service_id ORDER BY count(*) DESC LIMIT 1")
  echo
  echo "## 1. Segment counts (district $DISTRICT, service $SERVICE; $RUNS previews, $SQL_RUNS SQL runs each)"
  echo
  python3 bench/segments_rules.py --base "$BASE" --cookie "$SUPERVISOR" --backend "$BACKEND" \
    --db "$DB" --district "$DISTRICT" --service "$SERVICE" --runs "$RUNS" --sql-runs "$SQL_RUNS" \
    --timeout "${BENCH_TIMEOUT:-120}" --server "$SERVER_BIN"
fi

# Services with the fewest applications: the campaigns' offers (few residents excluded).
read -r FAN_SERVICE SSE_SERVICE < <(sql "SELECT s.code FROM service s LEFT JOIN
    (SELECT service_id, count(*) AS n FROM task GROUP BY service_id) t ON t.service_id = s.id
    ORDER BY COALESCE(t.n, 0), s.id LIMIT 2" | tr '\n' ' '; echo)

# ---------------------------------------------------------------------------------------
if [[ " $PHASES " == *" 2 "* ]]; then
  TARGET=$(( RESIDENTS / 10 < 100000 ? RESIDENTS / 10 : 100000 ))
  # Ages 30 … MAX, MAX the first age whose band reaches the target (birth years, then checked).
  if [ "$BACKEND" = pg ]; then YEARS="SELECT substr(birth_date::text, 1, 4), count(*) FROM resident GROUP BY 1"
  else YEARS="SELECT substr(birth_date, 1, 4), count(*) FROM resident GROUP BY 1"; fi
  MAX_AGE=$(sql "$YEARS" | tr '|' ' ' | python3 -c "
import sys, datetime
year = datetime.date.today().year
by_age = {year - int(y): int(n) for y, n in (l.split() for l in sys.stdin if l.strip())}
total = 0
for age in range(30, 120):
    total += by_age.get(age, 0)
    if total >= $TARGET:
        break
print(age)")
  RULE="{\"is\":{\"kind\":\"age\",\"min\":30,\"max\":$MAX_AGE}}"
  COUNT=$(api /api/v1/staff/segments/preview "$RULE" | field '["count"]')
  SEGMENT=$(api /api/v1/staff/segments "{\"name\":\"bench fan-out $(date +%s)\",\"rule\":$RULE}" | field '["summary"]["id"]')
  CREATED=$(api /api/v1/staff/campaigns "{\"name\":\"bench fan-out $(date +%s)\",\"service_code\":\"$FAN_SERVICE\",
    \"segment_id\":$SEGMENT,\"message\":\"{name}您好，{reason}，可以申请{service}。\",\"frequency_cap\":3}")
  CAMPAIGN=$(echo "$CREATED" | field '["id"]')
  DRY=$(echo "$CREATED" | field '["audience"]')
  echo
  echo "## 2. Campaign fan-out (ages 30-$MAX_AGE: segment $COUNT residents, dry run $DRY; service $FAN_SERVICE)"
  echo
  # The submit only schedules; the server's job sends it a batch of residents at a time.
  # Timed: the submit request, and from just before it to the campaign's status "sent".
  START=$(date +%s.%N)
  OUT=$(curl -s -o "$DIR/submit.json" -w '%{http_code} %{time_total}' -H "cookie: $SUPERVISOR" \
    -X POST "$BASE/api/v1/staff/campaigns/$CAMPAIGN/submit")
  read -r STATUS SECONDS_TAKEN <<<"$OUT"
  STATE=$(field '["status"]' <"$DIR/submit.json" 2>/dev/null || echo "?")
  for _ in $(seq 1 3000); do
    [ "$(sql "SELECT status FROM campaign WHERE id = $CAMPAIGN")" = sent ] && break
    sleep 0.1
  done
  SENT_SECONDS=$(python3 -c "import time; print(round(time.time() - $START, 2))")
  AUDIENCE=$(sql "SELECT audience_count FROM campaign WHERE id = $CAMPAIGN")
  echo "| campaign | submit HTTP | status answered | submit seconds | residents reached | seconds to sent | notifications written |"
  echo "|---|---|---|---|---|---|---|"
  NOTES=$(sql "SELECT count(*) FROM notification WHERE kind = 'recommendation' AND created_at =
                 (SELECT sent_at FROM campaign WHERE id = $CAMPAIGN)")
  echo "| $CAMPAIGN | $STATUS | $STATE | $SECONDS_TAKEN | $AUDIENCE | $SENT_SECONDS | $NOTES |"
  echo "batches sent (server log): $(grep -c "campaign batch sent" "$DIR/segments-server.log" || true)"
fi

# ---------------------------------------------------------------------------------------
if [[ " $PHASES " == *" 3 "* ]]; then
  stop_server
  # The streams' residents: consenting, never applied, never recommended anything, no opt-out,
  # so that a campaign for SSE_SERVICE to the tag bench_sse reaches exactly them.
  sql "SELECT r.id FROM resident r WHERE r.notify_consent = true
         AND NOT EXISTS (SELECT 1 FROM application a WHERE a.resident_id = r.id)
         AND NOT EXISTS (SELECT 1 FROM recommendation c WHERE c.resident_id = r.id)
         AND NOT EXISTS (SELECT 1 FROM recommendation_opt_out o WHERE o.resident_id = r.id)
       ORDER BY (r.id * 7919) % 1000003 LIMIT $SSE" >"$DIR/sse-residents.txt"
  # Ordinary pushes under the same load: residents (none of the above: they never applied)
  # with a case waiting for acceptance, a stream each; the case's department head accepts
  # the cases one at a time after the campaign.
  sql "SELECT a.number, a.resident_id, d.code FROM application a
         JOIN task t ON t.application_id = a.id JOIN service s ON s.id = t.service_id
         JOIN department d ON d.id = s.department_id
       WHERE t.status = 'submitted' ORDER BY a.id LIMIT $(( BENCH_CASES * 5 + 10 ))" >"$DIR/sse-cases-raw.txt"
  python3 - "$DIR" "$BENCH_CASES" <<'PY'
import hashlib, os, sys
d, wanted = sys.argv[1], int(sys.argv[2])
nonce = os.urandom(8).hex()
token_of = lambda rid: hashlib.sha256(f"minsheng-bench-{rid}-{nonce}".encode()).hexdigest()
session = lambda token, rid: f"{hashlib.sha256(token.encode()).hexdigest()},{rid}\n"
ids = [l.strip() for l in open(f"{d}/sse-residents.txt") if l.strip()]
with open(f"{d}/sse-tokens.txt", "w") as tokens, open(f"{d}/sse-sessions.csv", "w") as rows:
    for rid in ids:
        token = token_of(rid)
        tokens.write(token + "\n")
        rows.write(session(token, rid))
seen = set()
with open(f"{d}/sse-cases.txt", "w") as cases, open(f"{d}/sse-case-sessions.csv", "w") as rows:
    for line in open(f"{d}/sse-cases-raw.txt"):
        number, rid, dept = line.strip().split("|")
        if rid in seen or len(seen) >= wanted:
            continue
        seen.add(rid)
        token = token_of(rid)
        cases.write(f"{token} {number} {dept}\n")
        rows.write(session(token, rid))
PY
  STREAMS=$(wc -l <"$DIR/sse-tokens.txt")
  sql "INSERT INTO tag (id, code, name, name_en)
         SELECT (SELECT max(id) + 1 FROM tag), 'bench_sse', '压测', 'benchmark'
         WHERE NOT EXISTS (SELECT 1 FROM tag WHERE code = 'bench_sse');
       DELETE FROM resident_tag WHERE tag_id = (SELECT id FROM tag WHERE code = 'bench_sse');
       DROP TABLE IF EXISTS bench_sse_session;
       CREATE TABLE bench_sse_session (id VARCHAR(64), resident_id BIGINT);" >/dev/null
  if [ "$BACKEND" = pg ]; then
    sql "\\copy bench_sse_session FROM '$DIR/sse-sessions.csv' WITH (FORMAT csv)" >/dev/null
  else
    sqlite3 -batch -bail "$DB" ".import --csv $DIR/sse-sessions.csv bench_sse_session"
  fi
  sql "INSERT INTO resident_tag (resident_id, tag_id, reason)
         SELECT resident_id, (SELECT id FROM tag WHERE code = 'bench_sse'), 'bench' FROM bench_sse_session;" >/dev/null
  # The residents with a case get sessions too, but not the campaign's tag.
  if [ "$BACKEND" = pg ]; then
    sql "\\copy bench_sse_session FROM '$DIR/sse-case-sessions.csv' WITH (FORMAT csv)" >/dev/null
  else
    sqlite3 -batch -bail "$DB" ".import --csv $DIR/sse-case-sessions.csv bench_sse_session"
  fi

  start_server  # a fresh process: its VmHWM is the streams' peak
  SUPERVISOR=$(sign_in supervisor)
  # Session rows with the timestamps of the supervisor's session just made (right format for
  # either database, fresh, so no stream's first request rewrites its row).
  sql "INSERT INTO session (id, resident_id, staff_id, created_at, last_seen_at, expires_at, user_agent)
         SELECT b.id, b.resident_id, NULL, s.created_at, s.last_seen_at, s.expires_at, 'minsheng-bench'
         FROM bench_sse_session b,
              (SELECT created_at, last_seen_at, expires_at FROM session
                 WHERE staff_id IS NOT NULL ORDER BY created_at DESC LIMIT 1) s;
       DROP TABLE bench_sse_session;" >/dev/null
  # Each case's line gets its department head's cookie.
  : >"$DIR/sse-cases-staff.txt"
  for dept in $(cut -d' ' -f3 "$DIR/sse-cases.txt" | sort -u); do
    HEAD_COOKIE=$(sign_in "${dept}_head")
    awk -v d="$dept" -v c="$HEAD_COOKIE" '$3 == d { print $1, $2, c }' "$DIR/sse-cases.txt" >>"$DIR/sse-cases-staff.txt"
  done
  RULE='{"is":{"kind":"tag","code":"bench_sse"}}'
  SEGMENT=$(api /api/v1/staff/segments "{\"name\":\"bench sse $(date +%s)\",\"rule\":$RULE}" | field '["summary"]["id"]')
  CREATED=$(api /api/v1/staff/campaigns "{\"name\":\"bench sse $(date +%s)\",\"service_code\":\"$SSE_SERVICE\",
    \"segment_id\":$SEGMENT,\"message\":\"{name}您好，{reason}，可以申请{service}。\",\"frequency_cap\":3}")
  CAMPAIGN=$(echo "$CREATED" | field '["id"]') || { echo "campaign not created: $CREATED" >&2; exit 1; }
  echo
  echo "## 3. Live push ($STREAMS streams, campaign $CAMPAIGN for $SSE_SERVICE, dry run $(echo "$CREATED" | field '["audience"]'))"
  echo
  node bench/sse_client.js --base "$BASE" --tokens "$DIR/sse-tokens.txt" --staff "$SUPERVISOR" \
    --campaign "$CAMPAIGN" --pid "$SERVER" --cases "$DIR/sse-cases-staff.txt" --open-timeout "${BENCH_SSE_OPEN_TIMEOUT:-300}" \
    --wait "${BENCH_SSE_WAIT:-120}" >"$DIR/sse-result.json"
  python3 - "$DIR/sse-result.json" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
g = lambda k: "n/a" if r.get(k) is None else r[k]
print("| streams | ready | submit HTTP | submit ms | audience | arrived | p50 ms | p99 ms | max ms | server RSS before submit MB | server peak RSS MB (VmHWM) | client RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
print(" | ".join(["", *(str(g(k)) for k in ["connections", "ready", "submit_status", "submit_ms", "audience", "arrived",
      "p50_ms", "p99_ms", "max_ms", "server_rss_before_submit_mb", "server_vmhwm_mb", "client_rss_mb"]), ""]).strip())
if r["failed_to_open"] or r["dropped_after_ready"]:
    print(f"failed to open: {r['failed_to_open']} {r['open_errors']}; dropped after ready: {r['dropped_after_ready']}")
print(f"streams opened in {r['open_seconds']} s; p50/p99 are over the notifications that arrived")
print()
print("Ordinary pushes with every stream open: a department head accepts a case, one at a time;")
print("delay from the request to the resident's `notification`.")
print()
print("| cases | arrived | action HTTP p50 ms | push p50 ms | push p99 ms | max ms | errors |")
print("|---|---|---|---|---|---|---|")
print(" | ".join(["", *(str(g(k)) for k in ["case_actions", "case_arrived", "case_http_p50_ms", "case_p50_ms",
      "case_p99_ms", "case_max_ms", "case_errors"]), ""]).strip())
PY
  echo "recommendations written for campaign $CAMPAIGN: $(sql "SELECT count(*) FROM recommendation WHERE campaign_id = $CAMPAIGN")"
  WARNINGS=$(grep -c -E "WARN|ERROR" "$DIR/segments-server.log" || true)
  echo "server warnings/errors in the log: $WARNINGS (see $DIR/segments-server.log)"
  sed -E 's/\x1b\[[0-9;]*m//g' "$DIR/segments-server.log" | grep -E "WARN|ERROR" | cut -c29-230 |
    sed -E 's/[0-9]+(\.[0-9]+)? ?(ms|s)?\b/N/g' | sort | uniq -c | sort -rn | head -6 || true
fi
