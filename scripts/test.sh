#!/usr/bin/env bash
# Every check and test: formatting, lints, then the whole suite twice, on SQLite with
# the in-process store, and on MariaDB + Redis. The second pass needs a MariaDB server
# (YUJIE_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306) and Redis
# (YUJIE_TEST_REDIS_URL, default redis://127.0.0.1:6379); it fails, never skips, when
# they do not answer.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "tests on SQLite + in-process store"
YUJIE_TEST_BACKEND=sqlite cargo nextest run --workspace --no-fail-fast

step "tests on MariaDB + Redis"
YUJIE_TEST_BACKEND=mysql cargo nextest run --workspace --no-fail-fast

step "all green"
