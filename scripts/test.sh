#!/usr/bin/env bash
# Sets up and runs every test: formatting, lints, unit and integration tests on SQLite and on
# PostgreSQL, then the browser tests in Chromium against the release build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_rust
setup_node
setup_chromium
setup_postgres

say "cargo fmt --check"
cargo fmt --all -- --check

say "cargo clippy (server side and tests)"
cargo clippy --all-targets -- -D warnings
say "cargo clippy (browser side, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

say "unit and integration tests (SQLite and PostgreSQL)"
if cargo nextest --version >/dev/null 2>&1; then
  # cargo-nextest (on the project's machines): each test in its own process, eight at a time
  # (.config/nextest.toml), never retried: a test that fails once fails the run.
  cargo nextest run -p app -p server -p migrations --no-fail-fast
else
  cargo test -p app -p server -p migrations
fi

say "release build (server + WASM)"
cargo leptos build --release

say "browser tests (Playwright in Debian's Chromium)"
(cd end2end && npx playwright test)
