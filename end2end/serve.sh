#!/usr/bin/env bash
# Starts the real release server for the browser tests, on a fresh database each run.
#
# The database is PostgreSQL (the scale-out configuration), so that a staff action done by
# another process (`server case …`, as the tests do until the staff console exists) reaches
# the open page through LISTEN/NOTIFY, as it would from another instance. Set
# MINSHENG_E2E_SQLITE=1 to run on the embedded SQLite default instead (live-push tests then
# skip).
#
# Run from the repository root (playwright.config.ts does that). The server migrates the
# empty database and loads the deterministic demo data set before it starts listening;
# Playwright waits for /healthz. `exec` makes the server the process Playwright stops.
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

# Only one run at a time can use port 3100, so the databases of earlier runs can go.
PARENT="${TMPDIR:-/tmp}/minsheng-e2e"
mkdir -p "$PARENT"
rm -rf "$PARENT"/run.*
RUN_DIR="$(mktemp -d "$PARENT/run.XXXXXX")"

export LEPTOS_OUTPUT_NAME=minsheng
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR=127.0.0.1:3100
export MINSHENG_UPLOAD_DIR="$RUN_DIR/uploads"
if [ "${MINSHENG_E2E_SQLITE:-}" = "1" ]; then
  export DATABASE_URL="sqlite://$RUN_DIR/e2e.db?mode=rwc"
else
  DB="${MINSHENG_E2E_PG_DB:-minsheng_e2e}"
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
fi
export RUST_LOG="${RUST_LOG:-warn}"

exec "$BINARY"
