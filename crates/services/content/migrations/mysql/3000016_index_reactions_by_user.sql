-- A signed-in page asks for its viewers' reactions to its posts: one range per viewer
-- over the ids the page spans (the value is in the index, so no row is read).
CREATE INDEX reactions_by_user ON reactions (user_id, target_kind, target_id, value);
