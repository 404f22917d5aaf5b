#!/usr/bin/env bash
# One command for every figure in bench/RESULTS.md:
#   bench/run.sh [sqlite|mariadb]
# Builds release, seeds a fresh database (sizes from bench/seed.sh: USERS, PERSONAS,
# POSTS, REACTIONS_PER_POST, COMMENTS_PER_POST), starts `yujie serve` and the ceiling server (a bare axum
# handler serving the same page bytes from memory) on loopback, loads each with
# `wrk -t2 -c16 -d$DURATION --latency`, then measures reaction toggles, chat and the
# message quota (bench/chat.py), idle event streams and, on mariadb, a sign-in released
# across two instances (bench/waits.py), and writes bench/results-<backend>.md.
# Needs wrk (Debian: apt-get install wrk), sqlite3 or the mariadb client, and for
# mariadb a server at $MYSQL_URL (default root@127.0.0.1:3306) and Redis at $REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
DURATION=${DURATION:-10s}
PORT=18080 STAFF_PORT=18081 CEILING_PORT=18090
CHAT_LIMIT=200
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "bench needs wrk (apt-get install wrk)" >&2; exit 1; }

cargo build --release -q -p yujie -p yujie-bench-ceiling
export YUJIE_PUBLIC__BIND=127.0.0.1:$PORT YUJIE_STAFF__BIND=127.0.0.1:$STAFF_PORT
export YUJIE_STORAGE__LOCAL_DIR=$work/objects YUJIE_LOG__FILTER=warn
export YUJIE_BILLING__LOCAL_KEYS_FILE=$work/keys.json
# The wait measurements open a thousand sign-ins from one address.
export YUJIE_HTTP__MAX_WAITS_PER_CLIENT=2000
export YUJIE_HTTP__RATE_LIMITS__LOGIN_QR="{limit=100000,window_secs=60}"
export YUJIE_HTTP__RATE_LIMITS__LOGIN_WAIT="{limit=100000,window_secs=60}"
export YUJIE_HTTP__RATE_LIMITS__REACTION="{limit=10000000,window_secs=60}"
# The chat runs send hundreds of messages a second from two users.
export YUJIE_HTTP__RATE_LIMITS__COMPANION_MESSAGE="{limit=10000000,window_secs=60}"
export YUJIE_COMPANION__DAILY_MESSAGES=$CHAT_LIMIT YUJIE_COMPANION__SYNC_INTERVAL_SECS=1
ulimit -n 8192
if [ "$backend" = sqlite ]; then
  export YUJIE_DATABASE__URL="sqlite://$work/bench.db?mode=rwc"
  ./target/release/yujie migrate
  bench/seed.sh sqlite | sqlite3 "$work/bench.db"
else
  db=yujie_bench_$$
  mysql_args=(-h 127.0.0.1 -u root)
  mariadb "${mysql_args[@]}" -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  export YUJIE_DATABASE__URL="mysql://root@127.0.0.1:3306/$db" YUJIE_REDIS__URL=${REDIS_URL:-redis://127.0.0.1:6379}
  export YUJIE_REDIS__PREFIX=$db
  ./target/release/yujie migrate
  bench/seed.sh mariadb | mariadb "${mysql_args[@]}" "$db"
  trap 'kill $(jobs -p) 2>/dev/null || true; mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS '"$db"'"; rm -rf "$work"' EXIT
fi
# The seed itself is checked: every comment and reaction points at a seeded post (an
# earlier seed gave MariaDB comments decimal post ids, and its figures measured empty pages).
orphans_sql="SELECT (SELECT COUNT(*) FROM comments c LEFT JOIN posts p ON p.id = c.post_id WHERE p.id IS NULL)
  + (SELECT COUNT(*) FROM reactions r LEFT JOIN posts p ON p.id = r.target_id WHERE r.target_kind = 'post' AND p.id IS NULL)"
if [ "$backend" = sqlite ]; then orphans=$(sqlite3 "$work/bench.db" "$orphans_sql"); else orphans=$(mariadb "${mysql_args[@]}" -N -B "$db" -e "$orphans_sql"); fi
[ "$orphans" = 0 ] || { echo "the seed has $orphans comments or reactions pointing at no post" >&2; exit 1; }

api=http://127.0.0.1:$PORT
# Spawn to the first `/healthz` 200, in ms. The first start also generates local mode's
# payment test keys (four RSA keys, once per data folder); the cold start is a restart.
start_serve() {
  local started
  started=$(date +%s%N)
  ./target/release/yujie serve >>"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 1000); do curl -sf "$api/healthz" >/dev/null && break; sleep 0.01; done
  echo $(( ($(date +%s%N) - started) / 1000000 )) >"$work/start_ms"
}
start_serve
first_start_ms=$(cat "$work/start_ms")
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
start_serve
cold_start_ms=$(cat "$work/start_ms")
sleep 1
idle_rss_mb=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status")

# A signed-in user, through the WeChat stand-in (「模拟扫码」): prints the access token.
sign_in() {
  local login ticket login_id
  login=$(curl -sf -XPOST "$api/api/v1/auth/wechat/logins")
  ticket=$(echo "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"])')
  login_id=$(echo "$login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["login_id"])')
  curl -sf -XPOST "$api/_standin/wechat/simulate-scan" -H 'content-type: application/json' -d "{\"ticket\":\"$ticket\"}" >/dev/null
  curl -sf "$api/api/v1/auth/wechat/logins/$login_id?timeout_secs=5" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
token=$(sign_in)
# 32 more signed-in users: they read the feed in turn, toggle reactions and chat.
tokens=()
for _ in $(seq 1 32); do tokens+=("$(sign_in)"); done
TOKENS=$(IFS=,; echo "${tokens[*]}")
export TOKENS

# The cursor 50 pages deep into the newest feed, a post and its comments.
cursor=""
for _ in $(seq 1 50); do
  cursor=$(curl -sf "$api/api/v1/posts?sort=new&limit=20${cursor:+&cursor=$cursor}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')
done
post=00000000-0000-7000-c000-000000050000

hot="/api/v1/posts?sort=hot&limit=20"
curl -sf "$api$hot" >"$work/page.json"
# Every signed-in user likes every fourth post of the hot page, so the signed-in runs
# write reactions into the shared page (a viewer who reacted to none is served it as is).
for id in $(python3 -c 'import json,sys; print(" ".join(p["id"] for p in json.load(open(sys.argv[1]))["items"][::4]))' "$work/page.json"); do
  for viewer in "$token" "${tokens[@]}"; do
    curl -sf -XPUT "$api/api/v1/posts/$id/reaction" -H "authorization: Bearer $viewer" \
      -H 'content-type: application/json' -d '{"reaction":"like"}' >/dev/null
  done
done
sleep 1.1
curl -sf "$api$hot" >"$work/page.json"
# What the hot page weighs on the wire, as is and in each coding a browser accepts.
size() { curl -sf -o /dev/null -w '%{size_download}' "$@" "$api$hot"; }
page_bytes="$(size) B as is, $(size -H 'accept-encoding: gzip') B gzip, $(size -H 'accept-encoding: br') B Brotli"
./target/release/yujie-bench-ceiling "$work/page.json" $CEILING_PORT &
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$CEILING_PORT/" >/dev/null && break; sleep 0.1; done

# name | url | request header (auth: the signed-in user's token; viewers: the 32 users in
# turn) | target share of the ceiling (%)
runs=(
  "ceiling (bare axum, same bytes)|http://127.0.0.1:$CEILING_PORT/||"
  "hot feed, anonymous, page of 20|$api$hot||20"
  "hot feed, anonymous, Brotli|$api$hot|accept-encoding: br|20"
  "new feed, anonymous, 50 pages deep|$api/api/v1/posts?sort=new&limit=20&cursor=$cursor||20"
  "hot feed, signed in (5 own likes on the page)|$api$hot|auth|10"
  "hot feed, 32 signed-in viewers in turn (5 own likes each)|$api$hot|viewers|10"
  "post detail|$api/api/v1/posts/$post||10"
  "comments of a post, page of 20|$api/api/v1/posts/$post/comments||10"
)
out=bench/results-$backend.md
{
  echo "# Results on $backend ($(date -u +%Y-%m-%d), wrk -t2 -c16 -d$DURATION, $(nproc) cores)"
  echo
  echo "Sizes: USERS=${USERS:-10000} PERSONAS=${PERSONAS:-1000} POSTS=${POSTS:-100000} REACTIONS_PER_POST=${REACTIONS_PER_POST:-10} COMMENTS_PER_POST=${COMMENTS_PER_POST:-2}."
  echo
  echo "The hot page of 20: $page_bytes."
  echo
  echo "Cold start of \`yujie serve\` (spawn to first \`/healthz\` 200, migrations applied): $cold_start_ms ms (target < 1,000);"
  echo "the first start, which also generates the local payment test keys: $first_start_ms ms;"
  echo "idle RSS one second later: $idle_rss_mb MB (target < 50)."
  echo
  echo "| request | req/s | p50 | p99 | share of ceiling | target | met |"
  echo "|---|---|---|---|---|---|---|"
} >"$out"
ceiling=0
for run in "${runs[@]}"; do
  IFS='|' read -r name url header target <<<"$run"
  args=()
  case "$header" in
    auth) args=(-H "authorization: Bearer $token") ;;
    viewers) args=(-s bench/viewers.lua) ;;
    ?*) args=(-H "$header") ;;
  esac
  result=$(wrk -t2 -c16 -d"$DURATION" --latency "${args[@]}" "$url")
  rps=$(echo "$result" | awk '/Requests\/sec/ {printf "%d", $2}')
  p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
  [ -n "$non2xx" ] && { echo "$name: $non2xx non-2xx answers" >&2; exit 1; }
  if [ -z "$target" ]; then
    ceiling=$rps
    echo "| $name | $rps | $p50 | $p99 | 100 % | | |" >>"$out"
  else
    share=$((100 * rps / ceiling))
    met=no; [ "$share" -ge "$target" ] && met=yes
    echo "| $name | $rps | $p50 | $p99 | $share % | ≥ $target % | $met |" >>"$out"
  fi
  echo "$name: $rps req/s, p99 $p99" >&2
done
# Reaction toggles: 32 users switch between like and dislike on one post as fast as
# they can; afterwards the post's counters must equal its reaction rows.
toggled=00000000-0000-7000-c000-000000040000
result=$(wrk -t2 -c16 -d"$DURATION" --latency -s bench/toggle.lua "$api/api/v1/posts/$toggled/reaction")
non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
[ -n "$non2xx" ] && { echo "reaction toggles: $non2xx non-2xx answers" >&2; exit 1; }
sleep 1.1
counts=$(curl -sf "$api/api/v1/posts/$toggled" | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["like_count"], p["dislike_count"])')
rows_sql="SELECT COALESCE(SUM(value = 1), 0), COALESCE(SUM(value = -1), 0) FROM reactions WHERE target_kind = 'post' AND target_id = '$toggled'"
if [ "$backend" = sqlite ]; then rows=$(sqlite3 -separator ' ' "$work/bench.db" "$rows_sql"); else rows=$(mariadb "${mysql_args[@]}" -N -B "$db" -e "$rows_sql" | tr '\t' ' '); fi
# The seed gives post i i % 50 likes and i % 3 dislikes without rows (its other likes have rows).
exact=$(python3 -c 'import sys; c, r = sys.argv[1].split(), sys.argv[2].split(); print("exact" if [int(c[0]), int(c[1])] == [40000 % 50 + int(r[0]), 40000 % 3 + int(r[1])] else "NOT exact")' "$counts" "$rows")
{
  echo
  echo "Reaction toggles (32 users, like ↔ dislike on one post): $(echo "$result" | awk '/Requests\/sec/ {printf "%d", $2}') req/s, p99 $(echo "$result" | awk '$1 == "99%" {print $2}');"
  echo "afterwards the post counts $counts (likes, dislikes) = the seeded 0 1 + its rows $rows: $exact."
} >>"$out"
[ "$exact" = exact ] || { echo "reaction counters drifted from their rows" >&2; exit 1; }
# Chat against the AI stand-in, which answers at once: a persona made through the API
# (the companion learns it through its sync), then one user's CHAT_LIMIT messages one
# after another (time to first token).
persona=$(curl -sf -XPOST "$api/api/v1/personas" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{"name":"基准测试人设"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
chat=$(python3 bench/chat.py conversation "$api" "$token" "$persona")
{
  echo
  python3 bench/chat.py ttft "$api" "$token" "$chat" "$CHAT_LIMIT" "http://127.0.0.1:$STAFF_PORT/metrics" | sed 's/^/Chat: /'
  echo "(target: the server's part p99 < 5 ms)"
} >>"$out"
# The message quota on instance API (its counters in PATH) for the user of TOKEN:
# CHAT_LIMIT + 50 messages at once from 16 threads (exactly CHAT_LIMIT granted); then,
# with nothing left today, the user keeps sending from 16 connections: every answer is
# the quota's refusal, each one a whole quota decision.
quota_runs() {
  local path=$1 api=$2 token=$3 conversation result unexpected
  conversation=$(python3 bench/chat.py conversation "$api" "$token" "$persona")
  {
    echo
    python3 bench/chat.py grants "$api" "$token" "$conversation" "$CHAT_LIMIT" 50 16 | sed "s/^/Quota ($path): /"
  } >>"$out"
  result=$(TOKEN=$token CONVERSATION=$conversation wrk -t2 -c16 -d"$DURATION" --latency -s bench/quota.lua "$api")
  unexpected=$(echo "$result" | awk '/answers other than/ {print $NF}')
  [ "$unexpected" = 0 ] || { echo "quota refusals ($path): $unexpected other answers" >&2; exit 1; }
  echo "Quota decisions ($path), a user with none left sending from 16 connections: $(echo "$result" | awk '/Requests\/sec/ {printf "%d", $2}') req/s, p99 $(echo "$result" | awk '$1 == "99%" {print $2}'), every answer a 429." >>"$out"
}
if [ "$backend" = sqlite ]; then quota_runs SQL "$api" "${tokens[0]}"; else quota_runs Redis "$api" "${tokens[0]}"; fi
{
  echo
  python3 bench/waits.py sse-rss "$api" "$serve_pid" 1000 | sed 's/^/Memory: /'
} >>"$out"
if [ "$backend" = mariadb ]; then
  # A second instance on the same MariaDB and Redis: WeChat's callback reaches it while
  # the client waits on the first.
  YUJIE_PUBLIC__BIND=127.0.0.1:18082 YUJIE_STAFF__BIND=127.0.0.1:18083 ./target/release/yujie serve >"$work/serve-b.log" 2>&1 &
  for _ in $(seq 1 1000); do curl -sf "http://127.0.0.1:18082/healthz" >/dev/null && break; sleep 0.01; done
  {
    echo
    python3 bench/waits.py release "$api" http://127.0.0.1:18082 200 | sed 's/^/Sign-in: /'
    echo "(target p99 < 50 ms)"
  } >>"$out"
  # A third instance on the same MariaDB without Redis: the quota's SQL path.
  YUJIE_REDIS__URL="" YUJIE_PUBLIC__BIND=127.0.0.1:18084 YUJIE_STAFF__BIND=127.0.0.1:18085 ./target/release/yujie serve >"$work/serve-c.log" 2>&1 &
  for _ in $(seq 1 1000); do curl -sf "http://127.0.0.1:18084/healthz" >/dev/null && break; sleep 0.01; done
  quota_runs "SQL on MariaDB, an instance without Redis" http://127.0.0.1:18084 "${tokens[1]}"
fi
echo "wrote $out" >&2
