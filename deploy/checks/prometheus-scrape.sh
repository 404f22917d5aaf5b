#!/usr/bin/env bash
# End to end: a real Prometheus scrapes a real yujie. Starts target/debug/yujie (or
# $YUJIE_BINARY) in local mode on free loopback ports with a throw-away database, object
# folder and payment keys; starts the Debian `prometheus` binary on loopback with its TSDB
# in a temp dir, scraping that yujie's staff /metrics every second and evaluating
# deploy/monitoring/prometheus/alerts.yml; makes a few requests to yujie; then asks
# Prometheus's HTTP API until yujie_http_requests_total has the sample of those requests
# (60 s at most) and every alert rule has evaluated without error, and has it evaluate
# every dashboard expression (deploy/checks/dashboards.py --prometheus). Fails when any of
# that does not happen. Stops both processes and removes the temp dir on exit.
# Needs: apt-get install -y --no-install-recommends prometheus (the package does not start
# a server; this script starts its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

bin=${YUJIE_BINARY:-target/debug/yujie}
[[ -x $bin ]] || { echo "$bin is missing: run cargo build -p yujie first" >&2; exit 1; }
command -v prometheus >/dev/null ||
  { echo "prometheus is missing: apt-get install -y --no-install-recommends prometheus" >&2; exit 1; }
python3 -c 'import promql_parser, yaml' 2>/dev/null || python3 -m pip install --quiet promql-parser pyyaml
rules=$PWD/deploy/monitoring/prometheus/alerts.yml

tmp=$(mktemp -d)
server=
prom=
ok=
cleanup() {
  for pid in $prom $server; do
    if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
  done
  if [[ -z $ok ]]; then
    for log in "$tmp"/*.log; do
      [[ -s $log ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND every second until it succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 "$seconds"); do
    "$@" && return 0
    sleep 1
  done
  echo "timed out after ${seconds} s waiting for $what" >&2
  return 1
}

public=127.0.0.1:$(free_port)
staff=127.0.0.1:$(free_port)
YUJIE_DATABASE__URL="sqlite://$tmp/yujie.db?mode=rwc" \
  YUJIE_STORAGE__LOCAL_DIR="$tmp/objects" \
  YUJIE_BILLING__LOCAL_KEYS_FILE="$tmp/keys.json" \
  YUJIE_PUBLIC__BIND=$public YUJIE_STAFF__BIND=$staff YUJIE_WEB__DIR='' YUJIE_LOG__FILTER=warn \
  "$bin" serve >"$tmp/yujie.log" 2>&1 &
server=$!
yujie_up() {
  kill -0 "$server" 2>/dev/null || { echo "yujie exited" >&2; exit 1; }
  curl -fsS -o /dev/null "http://$staff/healthz" 2>/dev/null
}
wait_for 60 "yujie to listen" yujie_up

cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: yujie
    static_configs:
      - targets: ['$staff']
        labels:
          service: all-in-one
EOF
web=127.0.0.1:$(free_port)
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
  --web.listen-address="$web" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
prom=$!
prometheus_up() {
  kill -0 "$prom" 2>/dev/null || { echo "prometheus exited" >&2; exit 1; }
  curl -fsS -o /dev/null "http://$web/-/ready" 2>/dev/null
}
wait_for 60 "prometheus to be ready" prometheus_up

# Traffic to count: a health check and a QR login (which calls the WeChat stand-in).
curl -fsS -o /dev/null "http://$public/healthz"
curl -fsS -o /dev/null -XPOST "http://$public/api/v1/auth/wechat/logins"

# The sample of the login request, as Prometheus stored it.
login_sample() {
  curl -fsS "http://$web/api/v1/query" --data-urlencode 'query=yujie_http_requests_total' 2>/dev/null |
    python3 -c '
import json, sys
result = json.load(sys.stdin)["data"]["result"]
for series in result:
    labels, value = series["metric"], series["value"][1]
    if labels.get("route") == "/api/v1/auth/wechat/logins" and labels.get("status") == "201" and float(value) >= 1:
        shown = ",".join("%s=\"%s\"" % item for item in sorted(labels.items()) if item[0] != "__name__")
        print("sample: yujie_http_requests_total{%s} %s (%d series)" % (shown, value, len(result)))
        sys.exit(0)
sys.exit(1)'
}
wait_for 60 "a yujie_http_requests_total sample in Prometheus" login_sample

# Every alert rule evaluated against the real series, without an error.
rules_healthy() {
  curl -fsS "http://$web/api/v1/rules" 2>/dev/null | python3 -c '
import json, sys
rules = [rule for group in json.load(sys.stdin)["data"]["groups"] for rule in group["rules"]]
bad = ["%s: %s %s" % (rule["name"], rule["health"], rule.get("lastError", "")) for rule in rules if rule["health"] != "ok"]
if rules and not bad:
    print("alert rules: %d evaluated against the scraped series, all healthy" % len(rules))
    sys.exit(0)
print("\n".join(bad) or "no rules loaded", file=sys.stderr)
sys.exit(1)' 2>"$tmp/rules.log"
}
wait_for 30 "every alert rule to evaluate without error" rules_healthy

# Every dashboard and rule expression, evaluated on the real series: no evaluation error.
python3 deploy/checks/dashboards.py --prometheus "http://$web"

ok=1
echo "prometheus-scrape passed: Prometheus scraped yujie's staff /metrics ($staff)"
