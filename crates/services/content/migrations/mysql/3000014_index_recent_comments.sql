-- Posts and comments of the last days, oldest first (the sensitive-word re-check).
CREATE INDEX comments_recent ON comments (created_at, id);
