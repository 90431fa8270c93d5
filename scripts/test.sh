#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, unit and integration tests on SQLite and on
# PostgreSQL, then the browser tests in Chromium against the release build.
#
# On these 2-core machines the steps are ordered for the CPU, not for reading: the release
# build (WASM, then server; each has a long single-threaded stretch in the `app` crate)
# runs in the background while the lints and the tests build and run beside it. Each step prints the minutes
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

step "release build, in the background (WASM, then the server)"
# `--frontend-only` builds in its own target directory (target/front); the server's release
# build locks target/release, not the target/debug the lints and tests use, so both run
# beside the steps below.
RELEASE_LOG="$(mktemp -t minsheng-release.XXXXXX.log)"
(cargo leptos build --release --frontend-only && cargo leptos build --release --server-only) \
  >"$RELEASE_LOG" 2>&1 &
RELEASE_PID=$!
trap 'kill "$RELEASE_PID" 2>/dev/null || true' EXIT

step "cargo clippy (browser side, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "cargo clippy (server side and tests) and unit + integration tests (SQLite and PostgreSQL)"
# The lints run inside the test build: clippy-driver compiles the workspace's own crates
# (what `cargo clippy` does through the same variable, but with code generation), so the
# dependencies are compiled once instead of checked once for clippy and compiled again for
# the tests. Every target `cargo clippy --all-targets` lints is built here (libraries, the
# server binary, unit-test and integration-test harnesses); a warning fails the build.
export RUSTC_WORKSPACE_WRAPPER=clippy-driver
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
if cargo nextest --version >/dev/null 2>&1; then
  # cargo-nextest (on the project's machines): each test in its own process, eight at a time
  # (.config/nextest.toml), never retried: a test that fails once fails the run. Both
  # commands test the workspace's default members: every crate but the WASM entry.
  cargo nextest run --no-fail-fast
else
  cargo test
fi
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

step "waiting for the release build"
if ! wait "$RELEASE_PID"; then
  cat "$RELEASE_LOG"
  exit 1
fi
trap - EXIT
grep -a "Finished" "$RELEASE_LOG" || true

step "browser tests (Playwright in Debian's Chromium)"
(cd end2end && npx playwright test)
step "all tests passed"
