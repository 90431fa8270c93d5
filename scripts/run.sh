#!/usr/bin/env bash
# Sets up and runs Minsheng on the embedded default: SQLite in ./data/, schema migrated, demo
# data loaded, served at http://127.0.0.1:3000 (release build). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_rust
setup_node
say "building and serving on http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
exec cargo leptos serve --release
