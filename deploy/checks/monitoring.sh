#!/usr/bin/env bash
# Offline checks of deploy/monitoring: the Prometheus config, the alert rules and their unit
# tests (promtool), the Grafana provisioning and dashboards (deploy/checks/dashboards.py).
# Then each check runs on its broken sample under deploy/checks/broken/monitoring/ and must
# fail there, with the expected message, so a check that stopped checking is noticed.
# Needs promtool (apt-get install -y --no-install-recommends prometheus); installs
# promql-parser and PyYAML with pip when missing. Run from anywhere; exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v promtool >/dev/null ||
  { echo "promtool is missing: apt-get install -y --no-install-recommends prometheus" >&2; exit 1; }
python3 -c 'import promql_parser, yaml' 2>/dev/null || python3 -m pip install --quiet promql-parser pyyaml

prom=deploy/monitoring/prometheus
broken=deploy/checks/broken/monitoring

echo "== promtool check config"
promtool check config "$prom/prometheus.yml"
echo "== promtool check rules"
promtool check rules "$prom/alerts.yml"
echo "== promtool test rules"
promtool test rules "$prom/alerts.test.yml"
echo "== dashboards"
python3 deploy/checks/dashboards.py

# expect_failure REASON COMMAND...: COMMAND must fail, and say REASON.
expect_failure() {
  local reason=$1 output
  shift
  if output=$("$@" 2>&1); then
    printf 'FAIL: %s passed on a broken sample:\n%s\n' "$*" "$output" >&2
    exit 1
  fi
  if ! grep -qF -- "$reason" <<<"$output"; then
    printf 'FAIL: %s failed, but without "%s":\n%s\n' "$*" "$reason" "$output" >&2
    exit 1
  fi
  echo "rejected as expected: $* ($reason)"
}

echo "== broken samples"
expect_failure 'not a valid duration string' promtool check config "$broken/prometheus.yml"
expect_failure 'could not parse expression' promtool check rules "$broken/bad-rule.yml"
expect_failure 'alertname: YujieHighErrorRate, time: 15m' promtool test rules "$broken/failing-test.yml"
expect_failure 'cannot parse' python3 deploy/checks/dashboards.py --dashboards "$broken/dashboard-bad-expr"
expect_failure 'is also the uid of' python3 deploy/checks/dashboards.py --dashboards "$broken/dashboards-duplicate-uid"
expect_failure 'is not the provisioned' \
  python3 deploy/checks/dashboards.py --dashboards "$broken/dashboard-wrong-datasource"
expect_failure 'unknown metric yujie_http_request_total' \
  python3 deploy/checks/dashboards.py --dashboards "$broken/dashboard-unknown-metric"
expect_failure 'which does not exist' python3 deploy/checks/dashboards.py --providers "$broken/providers-missing-dir"

echo "monitoring checks passed: config, rules, rule tests and dashboards are valid; 8 broken samples rejected"
