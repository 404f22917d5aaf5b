#!/usr/bin/env bash
# Prints the seed SQL for `bench/run.sh`: USERS users, PERSONAS personas, POSTS posts
# (spread over the personas and users, a minute apart), REACTIONS_PER_POST likes by
# different users on each post (rows, counted in like_count beside a base of i % 50
# likes without rows) and COMMENTS_PER_POST comments each. Usage: bench/seed.sh sqlite|mariadb. Ids are fixed-format UUIDs, so the same
# sizes give the same data.
set -euo pipefail
backend=$1
USERS=${USERS:-10000} PERSONAS=${PERSONAS:-1000} POSTS=${POSTS:-100000} COMMENTS_PER_POST=${COMMENTS_PER_POST:-2}
REACTIONS_PER_POST=${REACTIONS_PER_POST:-10}
COMMENTS=$((POSTS * COMMENTS_PER_POST)) REACTIONS=$((POSTS * REACTIONS_PER_POST))
base=1700000000000
body="今天在活动现场见到了她，状态非常好，和粉丝们聊了很久，还分享了新作品的拍摄趣事。大家一起加油！"
if [ "$backend" = sqlite ]; then
  id() { echo "printf('00000000-0000-7000-$1-%012d', $2)"; }
  numbered() { echo "printf('$1%d${2:-}', i)"; }
  numbers() { echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)"; }
  quotient() { echo "(($1) / $2)"; }
  begin="BEGIN;" commit="COMMIT;"
else
  id() { echo "CONCAT('00000000-0000-7000-$1-', LPAD($2, 12, '0'))"; }
  numbered() { echo "CONCAT('$1', i, '${2:-}')"; }
  numbers() { :; }
  # MariaDB's `/` gives a decimal (1.5000), which would not make an id.
  quotient() { echo "(($1) DIV $2)"; }
  begin="SET unique_checks = 0;" commit="ANALYZE TABLE users, personas, posts, reactions, comments;"
fi
source_of() { if [ "$backend" = sqlite ]; then echo "FROM n"; else echo "FROM (SELECT seq AS i FROM seq_1_to_$1) AS n"; fi; }
cat <<SQL
$begin
$(numbers "$USERS")
INSERT INTO users (id, openid, nickname, created_at, updated_at)
SELECT $(id a000 i), $(numbered bench-openid-), $(numbered 粉丝), $base, $base $(source_of "$USERS");
$(numbers "$PERSONAS")
INSERT INTO personas (id, name, aliases, creator_id, popularity, created_at, updated_at)
SELECT $(id b000 i), $(numbered 明星), '[]', $(id a000 "(i % $USERS) + 1"), i % 97, $base, $base $(source_of "$PERSONAS");
$(numbers "$POSTS")
INSERT INTO posts (id, persona_id, author_id, title, body, images, like_count, dislike_count, comment_count, hot_rank, created_at)
SELECT $(id c000 i), $(id b000 "(i % $PERSONAS) + 1"), $(id a000 "(i % $USERS) + 1"), $(numbered 第 场活动),
       '$body', '[]', i % 50 + $REACTIONS_PER_POST, i % 3, $COMMENTS_PER_POST, $(quotient "$base + i * 60000" 1000) + (i * 7919) % 20000, $base + i * 60000
$(source_of "$POSTS");
$(numbers "$REACTIONS")
INSERT INTO reactions (target_kind, target_id, user_id, value, created_at)
SELECT 'post', $(id c000 "$(quotient "i - 1" "$REACTIONS_PER_POST") + 1"),
       $(id a000 "(($(quotient "i - 1" "$REACTIONS_PER_POST") + 1) * 7 + (i - 1) % $REACTIONS_PER_POST) % $USERS + 1"), 1, $base + i
$(source_of "$REACTIONS");
$(numbers "$COMMENTS")
INSERT INTO comments (id, post_id, author_id, body, like_count, dislike_count, reply_count, hot_rank, created_at)
SELECT $(id d000 i), $(id c000 "$(quotient "i - 1" "$COMMENTS_PER_POST") + 1"), $(id a000 "(i % $USERS) + 1"), '好看！支持！',
       i % 5, 0, 0, i % 1000, $base + i * 30000 $(source_of "$COMMENTS");
$commit
SQL
