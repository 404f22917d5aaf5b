#!/usr/bin/env bash
# Builds and starts every service in one process on embedded defaults: SQLite and
# objects under ./data, in-process cache, local stand-ins for WeChat, payments and the
# AI provider. No account or server is needed. Public API on http://127.0.0.1:8080, staff listener on :8081.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p yujie
exec ./target/release/yujie serve "$@"
