#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, unit and integration tests on SQLite and on
# PostgreSQL, then the browser tests in Chromium against the release build.
#
# Everything is built once, in release: the unit and integration tests run against the
# release build of the libraries (`cargo nextest run --release`; only the test harnesses use
# the cheap `bench` profile, see Cargo.toml), and that build also makes the release server
# binary the browser tests start (cargo builds a package's binaries for its integration
# tests). A debug build of every dependency beside the release one used to cost a third of
# the run. On these 2-core machines the WASM bundle builds in the background meanwhile. Each
# step prints the minutes since the start, so a slow run shows where its time went.
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

step "WASM bundle (release) with the browser side's lints, in the background"
# `--frontend-only` builds in its own target directory (target/front) and writes the site
# (target/site: the bundle, the style sheet, the assets) beside the steps below. The lints of
# the browser side run inside that build, as the host's do inside the test build below:
# clippy-driver compiles the workspace crates of the WASM (frontend, app, server_fns, domain,
# i18n with `hydrate`), which is what `cargo clippy -p frontend --target
# wasm32-unknown-unknown` lints, without checking every dependency a second time.
FRONT_LOG="$(mktemp -t minsheng-front.XXXXXX.log)"
{
  status=0
  RUSTC_WORKSPACE_WRAPPER=clippy-driver CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__" \
    cargo leptos build --release --frontend-only --split --precompress || status=$?
  echo "WASM bundle done after $((SECONDS - START)) s (exit $status)"
  exit $status
} >"$FRONT_LOG" 2>&1 &
FRONT_PID=$!
trap 'kill "$FRONT_PID" 2>/dev/null || true' EXIT

step "cargo clippy (server side and tests), release build, unit + integration tests (SQLite, PostgreSQL)"
# The lints run inside the test build: clippy-driver compiles the workspace's own crates
# (what `cargo clippy` does through the same variable, but with code generation), so the
# dependencies are compiled once instead of checked once for clippy and compiled again for
# the tests. Every target `cargo clippy --all-targets` lints is built here (libraries, the
# server binary, unit-test and integration-test harnesses); a warning fails the build.
export RUSTC_WORKSPACE_WRAPPER=clippy-driver
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# What `cargo leptos build` sets for the server build: leptos reads it when it is compiled
# (`option_env!`) to name the WASM file the pages load, so the server binary this build makes
# loads the bundle `--frontend-only` writes (and shares its artifacts with a later
# `cargo leptos build --release`).
export LEPTOS_OUTPUT_NAME=minsheng
if cargo nextest --version >/dev/null 2>&1; then
  # cargo-nextest (on the project's machines): each test in its own process, eight at a time
  # (.config/nextest.toml), never retried: a test that fails once fails the run. Both
  # commands test the workspace's default members: every crate but the WASM entry.
  # In CI cargo also writes where the build's time went (target/cargo-timings/).
  cargo nextest run --release --no-fail-fast ${CI:+--timings}
else
  cargo test --release
fi
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS LEPTOS_OUTPUT_NAME

step "waiting for the WASM bundle and its lints"
if ! wait "$FRONT_PID"; then
  cat "$FRONT_LOG"
  exit 1
fi
trap - EXIT
grep -a "Finished\|WASM bundle done" "$FRONT_LOG" || true

step "the resident's download: WASM and JS a page load transfers, against the budget"
node scripts/bundle-budget.mjs target/site/pkg

step "browser tests (Playwright in Debian's Chromium)"
(cd end2end && npx playwright test)
step "all tests passed"
