-- A persona's feed pages by (created_at, id) or (hot_rank, id): each needs the id in
-- the index so that no filesort follows the index walk.
ALTER TABLE posts
    DROP KEY posts_persona,
    ADD KEY posts_persona_new (persona_id, created_at, id),
    ADD KEY posts_persona_hot (persona_id, hot_rank, id);
-- Feeds skip posts of removed personas; this finds the (few) removed ones without a scan.
ALTER TABLE personas ADD KEY personas_removed (removed_at);
