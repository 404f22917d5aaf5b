#!/usr/bin/env bash
# The operations artefacts in deploy/ and .github/, each through its validator, and each
# validator shown to refuse a broken sample (deploy/checks/broken/): lints (actionlint,
# npm-groovy-lint, shellcheck, yamllint, the CI scripts' unit tests), the image and the
# Swarm stack (hadolint, docker stack config, compose-spec), the Kubernetes overlays
# (kubectl kustomize, kubernetes-validate --strict), monitoring (promtool, dashboards),
# then a real Prometheus scraping target/debug/yujie on loopback. .ci/run installs the
# tools; scripts/test.sh runs this after building the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

for check in lint swarm k8s monitoring prometheus-scrape; do
  printf '\n--> deploy/checks/%s.sh\n' "$check"
  "deploy/checks/$check.sh"
done
