#!/usr/bin/env bash
# Starts the real release server for the browser tests, on a fresh database each time. Each
# Playwright worker starts one (tests/support.ts), on its own port and database, so workers
# never see each other's changes: MINSHENG_E2E_PORT (default 3100) and MINSHENG_E2E_PG_DB
# (default minsheng_e2e) name them.
#
# The database is PostgreSQL (the scale-out configuration), so that a staff action done by
# another process (`server case …`) reaches the open page through LISTEN/NOTIFY, as it would
# from another instance. Set MINSHENG_E2E_SQLITE=1 to run on the embedded SQLite default
# instead (live-push tests then skip).
#
# Run from the repository root. The server migrates the empty database and loads the
# deterministic demo data set before it starts listening; the worker waits for /healthz.
# `exec` makes the server the process the worker stops.
set -euo pipefail

BINARY=./target/release/server
if [ ! -x "$BINARY" ]; then
  echo "serve.sh: $BINARY not found; build it first with 'cargo leptos build --release'" >&2
  exit 1
fi
if [ ! -d target/site/pkg ]; then
  echo "serve.sh: target/site/pkg not found; build with 'cargo leptos build --release'" >&2
  exit 1
fi

PORT="${MINSHENG_E2E_PORT:-3100}"
# Only one server at a time can use this port, so the last one's files can go.
RUN_DIR="${TMPDIR:-/tmp}/minsheng-e2e/port-$PORT"
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"

export LEPTOS_OUTPUT_NAME=minsheng
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT"
# The bundle's file names carry content hashes (hash.txt beside the binary names them).
export LEPTOS_HASH_FILES=true
export MINSHENG_UPLOAD_DIR="$RUN_DIR/uploads"
# The tests run against the demo data set (a production start loads none).
export MINSHENG_DEMO_DATA=true
if [ "${MINSHENG_E2E_SQLITE:-}" = "1" ]; then
  export DATABASE_URL="sqlite://$RUN_DIR/e2e.db?mode=rwc"
else
  DB="${MINSHENG_E2E_PG_DB:-minsheng_e2e}"
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
fi
export RUST_LOG="${RUST_LOG:-warn}"

exec "$BINARY"
