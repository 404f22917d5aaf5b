#!/usr/bin/env bash
# The web app and the staff console (web/): `scripts/web.sh build` installs their npm
# dependencies from the lockfile when they changed and builds web/dist, which `yujie
# serve` serves on the public listener, and web/dist-console, served under /staff/ on the
# staff listener; `scripts/web.sh check` also runs the type check, the API-types staleness check,
# the unit tests and the end-to-end tests in Debian's Chromium against target/debug/yujie.
set -euo pipefail
cd "$(dirname "$0")/../web"

install() {
  command -v npm >/dev/null 2>&1 || { echo "web: npm (Node.js 20+) is needed to build the web app" >&2; exit 1; }
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
  fi
}

case "${1:-build}" in
  build)
    install
    npm run build
    ;;
  check)
    install
    npm run api:check
    npm run typecheck
    npm test
    npm run bundle
    npm run e2e
    ;;
  *)
    echo "usage: scripts/web.sh build|check" >&2
    exit 2
    ;;
esac
