-- A user's own posts page by (created_at, id), newest first (GET /api/v1/me/posts).
DROP INDEX posts_author;
CREATE INDEX posts_author_new ON posts (author_id, created_at, id);
