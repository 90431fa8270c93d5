#!/usr/bin/env bash
# Sets up and runs Minsheng on the embedded default: SQLite in ./data/, schema migrated, demo
# data loaded, served at http://127.0.0.1:3000 (release build). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_rust
setup_node
# The living demo: residents, staff and applications with the published password
# `minsheng-demo`, loaded into a new database only (a bare `server` start loads nothing).
export MINSHENG_DEMO_DATA="${MINSHENG_DEMO_DATA:-true}"
say "building and serving on http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
exec cargo leptos serve --release --split --precompress
