#!/usr/bin/env bash
# Every check and test: formatting, lints, then the whole suite twice: on SQLite with
# the in-process store and local files, and on MariaDB + Redis + S3. The second pass
# needs MariaDB (YUJIE_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306), Redis
# (YUJIE_TEST_REDIS_URL, default redis://127.0.0.1:6379) and an S3-compatible server
# (YUJIE_TEST_S3_ENDPOINT, default http://127.0.0.1:5055; this script starts
# moto (`python3 -m moto.server`) there when nothing answers). It fails, never skips, when they are missing.
# Between the two passes, scripts/schemathesis.sh checks the running API against its own
# OpenAPI document, scripts/ops-check.sh checks the deployment artefacts (deploy/), and
# scripts/web.sh checks the web app and the staff console (unit tests, then end-to-end
# journeys in Debian's Chromium against the binary).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "tests on SQLite + in-process store + local files"
YUJIE_TEST_BACKEND=sqlite cargo nextest run --workspace --no-fail-fast

step "API conformance: schemathesis against a local instance"
cargo build -p yujie
./scripts/schemathesis.sh

step "operations: deploy/ and .github/ through their validators, Prometheus scraping the binary"
./scripts/ops-check.sh

step "web app: API types, type check, unit tests, build, end-to-end in Chromium"
./scripts/web.sh check

step "tests on MariaDB + Redis + S3"
export YUJIE_TEST_S3_ENDPOINT="${YUJIE_TEST_S3_ENDPOINT:-http://127.0.0.1:5055}"
if ! curl -sS -o /dev/null "$YUJIE_TEST_S3_ENDPOINT" 2>/dev/null; then
  port="${YUJIE_TEST_S3_ENDPOINT##*:}"
  moto_log=$(mktemp)
  python3 -m moto.server -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
  moto_pid=$!
  trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 30); do curl -sS -o /dev/null "$YUJIE_TEST_S3_ENDPOINT" 2>/dev/null && break; sleep 1; done
fi
YUJIE_TEST_BACKEND=mysql cargo nextest run --workspace --no-fail-fast --profile mariadb

step "all green"
