#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, unit and integration tests on SQLite and on
# PostgreSQL, then the browser tests in Chromium against the release build.
#
# On these 2-core machines the steps are ordered for the CPU, not for reading: the release
# WASM (whose long pole, the `app` crate under LTO with one codegen unit, keeps one core
# busy for minutes) builds in the background in its own target directory (`target/front`)
# while the host builds lint and compile the tests beside it. Each step prints the minutes
# since the start, so a slow run shows where its time went.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
START=$SECONDS
step() { say "[$(( (SECONDS - START) / 60 ))m$(( (SECONDS - START) % 60 ))s] $*"; }

setup_rust
setup_node
setup_chromium
setup_postgres

if [ "${CI:-}" = "true" ]; then
  # A clean clone builds everything once: incremental caches would only cost time and disk.
  export CARGO_INCREMENTAL=0
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "release WASM, in the background (cargo leptos build --release --frontend-only)"
FRONT_LOG="$(mktemp -t minsheng-front.XXXXXX.log)"
cargo leptos build --release --frontend-only >"$FRONT_LOG" 2>&1 &
FRONT_PID=$!
trap 'kill "$FRONT_PID" 2>/dev/null || true' EXIT

step "cargo clippy (browser side, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "cargo clippy (server side and tests)"
cargo clippy --all-targets -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
if cargo nextest --version >/dev/null 2>&1; then
  # cargo-nextest (on the project's machines): each test in its own process, eight at a time
  # (.config/nextest.toml), never retried: a test that fails once fails the run.
  cargo nextest run -p app -p server -p migrations --no-fail-fast
else
  cargo test -p app -p server -p migrations
fi

step "waiting for the release WASM"
if ! wait "$FRONT_PID"; then
  cat "$FRONT_LOG"
  exit 1
fi
trap - EXIT
tail -n 3 "$FRONT_LOG"

step "release build (server; the WASM is up to date)"
cargo leptos build --release

step "browser tests (Playwright in Debian's Chromium)"
(cd end2end && npx playwright test)
step "all tests passed"
