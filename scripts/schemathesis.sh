#!/usr/bin/env bash
# A bounded Schemathesis conformance run against a locally started yujie: starts
# target/debug/yujie (build it first) on free loopback ports with a throw-away SQLite
# database, object folder and payment keys, raised rate limits and long-lived access
# tokens; signs in through the local WeChat stand-in, makes that user a member through
# identity's internal API, then fuzzes the operations of /api/openapi.json (less those
# excluded below) as that user, with a fixed seed and at most 10 examples per operation
# and phase. Loopback only. Extra arguments go to `schemathesis run` (e.g. --report
# junit). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

bin=target/debug/yujie
[[ -x $bin ]] || { echo "$bin is missing: run cargo build -p yujie first" >&2; exit 1; }
python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install --quiet 'schemathesis>=4,<5'

tmp=$(mktemp -d)
server=
cleanup() {
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json() { python3 -c 'import json, sys; v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$1"; }
post() { curl -fsS -XPOST -H 'content-type: application/json' "$@"; }

# Limits far above what the run sends, so no 429 hides a real answer; access tokens that
# outlive the run; QR logins that expire in 5 s, so a long-poll on one ends within 5 s
# instead of 25 s.
{
  echo '[auth]'
  echo 'access_ttl_secs = 7200'
  echo '[wechat]'
  echo 'qr_expire_secs = 5'
  echo '[http.rate_limits]'
  for rule in login_qr login_wait token_refresh profile_write content_write photo_upload \
    post_create comment_create report_create reaction order_create; do
    echo "$rule = { limit = 100000, window_secs = 60 }"
  done
} >"$tmp/config.toml"

public=127.0.0.1:$(free_port)
staff=127.0.0.1:$(free_port)
YUJIE_DATABASE__URL="sqlite://$tmp/yujie.db?mode=rwc" \
  YUJIE_STORAGE__LOCAL_DIR="$tmp/objects" \
  YUJIE_BILLING__LOCAL_KEYS_FILE="$tmp/keys.json" \
  YUJIE_PUBLIC__BIND=$public YUJIE_STAFF__BIND=$staff YUJIE_LOG__FILTER=warn \
  "$bin" serve --config "$tmp/config.toml" >"$tmp/server.log" 2>&1 &
server=$!

for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://$public/healthz" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null "http://$public/healthz"

# Sign in: a QR login, the stand-in's simulated scan, then the wait for its tokens.
login=$(post "http://$public/api/v1/auth/wechat/logins")
post "http://$public/_standin/wechat/simulate-scan" -d "{\"ticket\":\"$(json ticket <<<"$login")\"}" >/dev/null
session=$(curl -fsS "http://$public/api/v1/auth/wechat/logins/$(json login_id <<<"$login")?timeout_secs=5")
token=$(json access_token <<<"$session")
# Membership, so member-only operations answer for real (takes effect without a refresh).
post "http://$staff/internal/identity/users/$(json user.id <<<"$session")/membership/extensions" \
  -H 'authorization: Bearer local-only-internal-token' -d '{"period_days":30,"grant_key":"schemathesis"}' >/dev/null
[[ $(curl -fsS "http://$public/api/v1/me" -H "authorization: Bearer $token" | json is_member) == True ]] ||
  { echo "the signed-in user did not become a member" >&2; exit 1; }

# Nothing is written into the work tree: no crash cache (it would also replay old failures
# in the next run), and Hypothesis's own files go to the temp dir.
printf '[cache]\nenabled = false\n' >"$tmp/schemathesis.toml"
export HYPOTHESIS_STORAGE_DIRECTORY="$tmp/hypothesis"

# Excluded: POST /api/v1/auth/logout and /logout-all end the session, and every later
# request would then be a 401; the server-sent event streams (…/events) never end, so
# each case would only wait out --request-timeout; /_standin/ is the local test double,
# not the product. The timeout outlasts the longest long-poll (30 s).
schemathesis --config-file "$tmp/schemathesis.toml" run "http://$public/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path-regex '^/(_standin/|api/v1/auth/logout)|/events$' \
  --max-examples 10 --seed 20240601 --workers 1 --generation-database none \
  --request-timeout 35 \
  "$@"
