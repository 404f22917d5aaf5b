-- A persona's feed pages by (created_at, id) or (hot_rank, id): each needs the id in
-- the index so that no sort step follows the index walk.
DROP INDEX posts_persona;
CREATE INDEX posts_persona_new ON posts (persona_id, created_at, id);
CREATE INDEX posts_persona_hot ON posts (persona_id, hot_rank, id);
-- Feeds skip posts of removed personas; this finds the (few) removed ones without a scan.
CREATE INDEX personas_removed ON personas (removed_at);
