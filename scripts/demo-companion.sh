#!/usr/bin/env bash
# Walks through the companion against a running local instance (`make run`): signs in
# through the WeChat stand-in, creates 「范冰冰」 with a profile, waits until her
# knowledge is at the AI stand-in, chats (the reply streams), shows the quota, and makes
# a short voice call. Needs curl and python3.
set -euo pipefail
API=${API:-http://127.0.0.1:8080}
STAFF=${STAFF:-http://127.0.0.1:8081}
INTERNAL_TOKEN=${INTERNAL_TOKEN:-local-only-internal-token}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -sf -XPOST "$API$1" -H 'content-type: application/json' -H "authorization: Bearer $ACCESS" -d "$2"; }

login=$(curl -sf -XPOST "$API/api/v1/auth/wechat/logins")
ticket=$(echo "$login" | json "['ticket']")
login_id=$(echo "$login" | json "['login_id']")
curl -sf -XPOST "$API/_standin/wechat/simulate-scan" -H 'content-type: application/json' \
  -d "{\"ticket\":\"$ticket\"}" >/dev/null                                   # 「模拟扫码」
ACCESS=$(curl -sf "$API/api/v1/auth/wechat/logins/$login_id?timeout_secs=10" | json "['access_token']")
echo "signed in"

persona=$(post /api/v1/personas '{"name":"范冰冰","aliases":["冰冰","Fan Bingbing"]}' | json "['id']")
post "/api/v1/personas/$persona/entries" \
  '{"section":"work","kind":"film_tv","title":"武媚娘传奇","year":2014,"role":"武则天"}' >/dev/null
post "/api/v1/personas/$persona/entries" '{"section":"achievement","title":"东京国际电影节最佳女演员","year":2012}' >/dev/null
echo "persona 范冰冰: $persona; waiting for her knowledge to reach the AI provider"
for _ in $(seq 1 60); do
  synced=$(curl -sf "$STAFF/internal/companion/sync" -H "authorization: Bearer $INTERNAL_TOKEN" |
    python3 -c "import json,sys; print(any(s['persona_id']=='$persona' and s['pending']==0 and s['failed']==0 for s in json.load(sys.stdin)))")
  [ "$synced" = True ] && break
  sleep 1
done

conversation=$(post /api/v1/companion/conversations "{\"persona_id\":\"$persona\"}" | json "['id']")
echo "--- 你演过武则天吗？"
curl -sfN -XPOST "$API/api/v1/companion/conversations/$conversation/messages" \
  -H 'content-type: application/json' -H "authorization: Bearer $ACCESS" -d '{"text":"你演过武则天吗？"}' |
  python3 -c "
import json, sys
for line in sys.stdin:
    if line.startswith('data: '):
        signal = json.loads(line[6:])
        if signal['type'] == 'delta': print(signal['text'], end='', flush=True)
        elif signal['type'] in ('done', 'failed'): print('\n[' + signal['type'] + ']')
"
echo "--- quota"; curl -sf "$API/api/v1/companion/quota" -H "authorization: Bearer $ACCESS"; echo

call=$(post /api/v1/companion/calls "{\"persona_id\":\"$persona\"}")
call_id=$(echo "$call" | json "['call']['id']")
echo "--- voice call $call_id, token $(echo "$call" | json "['rtc']['token'][:24]")…"
sleep 3
echo "--- hung up: $(post "/api/v1/companion/calls/$call_id/hangup" '{}')"
