#!/usr/bin/env bash
# Builds the web app and the binary, then starts every service in one process on embedded
# defaults: SQLite and objects under ./data, in-process cache, local stand-ins for WeChat,
# payments and the AI provider. No account or server is needed. The web app and the public
# API on http://127.0.0.1:8080, the staff listener on :8081.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/web.sh build
cargo build --release -p yujie
exec ./target/release/yujie serve "$@"
