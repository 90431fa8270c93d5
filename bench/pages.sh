#!/usr/bin/env bash
# Benchmarks the catalogue pages against the static style sheet, in the same run: the release
# server on the demo data set, `wrk` on loopback with brotli accepted, each page for a few
# seconds, and prints requests/s and the ratio to the style sheet (the fast-on-phones issue
# asks for at least 0.5). Visitors without a session, as most of the traffic is; a signed-in
# resident's page is rendered for them every time and is measured on one line too.
#
#   bench/pages.sh                 # SQLite and PostgreSQL
#   BENCH_DB=sqlite bench/pages.sh # one of them
#   BENCH_SECONDS=8 BENCH_PAGE_CACHE_SECS=0 bench/pages.sh   # without the page cache
#
# Needs the release build (`cargo leptos build --release`) and `wrk` (apt-get install wrk).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_EACH="${BENCH_SECONDS:-6}"
PORT="${BENCH_PORT:-3300}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "bench/pages.sh needs wrk (apt-get install wrk)" >&2; exit 1; }

rate() {
  # requests/s of one address: 2 threads, 16 connections, brotli accepted, optional cookie
  local path="$1" cookie="${2:-}"
  local args=(-t2 -c16 "-d${SECONDS_EACH}s" -H "Accept-Encoding: br, gzip")
  [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
  wrk "${args[@]}" "$BASE$path" | awk '/Requests\/sec/ { printf "%.0f", $2 }'
}

run() {
  local db="$1"
  local dir
  dir="$(mktemp -d -t minsheng-pages.XXXXXX)"
  if [ "$db" = sqlite ]; then
    export DATABASE_URL="sqlite://$dir/pages.db?mode=rwc"
  else
    psql -q -h 127.0.0.1 -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS minsheng_pages WITH (FORCE)" -c "CREATE DATABASE minsheng_pages"
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/minsheng_pages"
  fi
  RUST_LOG=warn LEPTOS_OUTPUT_NAME=minsheng LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_HASH_FILES=true LEPTOS_SITE_ADDR="127.0.0.1:$PORT" MINSHENG_DEMO_DATA=true \
    MINSHENG_UPLOAD_DIR="$dir/uploads" MINSHENG_RATE_PER_ADDRESS=off MINSHENG_RATE_PER_ACCOUNT=off \
    MINSHENG_PAGE_CACHE_SECS="${BENCH_PAGE_CACHE_SECS:-10}" \
    ./target/release/server >"$dir/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do
    curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  local css
  css="$(curl -s "$BASE/" | grep -o '/pkg/[^"]*\.css' | head -n1)"
  # A resident's session for the signed-in line (the demo's first resident).
  local jar="$dir/cookies"
  curl -s -c "$jar" -o /dev/null -X POST -H "Origin: $BASE" \
    --data-urlencode "account=13800000001" --data-urlencode "password=minsheng-demo" \
    "$BASE/forms/sign-in"
  local session
  session="$(awk '$6 ~ /session/ { printf "%s=%s", $6, $7 }' "$jar")"

  local static
  static="$(rate "$css")"
  printf '%-10s %-34s %8s req/s\n' "$db" "style sheet $css" "$static"
  for page in / "/services?q=%E7%A4%BE%E4%BF%9D" /services/MZ-0101 /satisfaction; do
    local r
    r="$(rate "$page")"
    printf '%-10s %-34s %8s req/s  %.3f of the style sheet\n' "$db" "$page" "$r" \
      "$(echo "$r / $static" | bc -l)"
  done
  if [ -n "$session" ]; then
    local r
    r="$(rate / "$session")"
    printf '%-10s %-34s %8s req/s  %.3f of the style sheet\n' "$db" "/ (signed-in resident)" "$r" \
      "$(echo "$r / $static" | bc -l)"
  fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

case "${BENCH_DB:-both}" in
  sqlite) run sqlite ;;
  postgres) run postgres ;;
  *) run sqlite; run postgres ;;
esac
