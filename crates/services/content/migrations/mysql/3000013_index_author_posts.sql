-- A user's own posts page by (created_at, id), newest first (GET /api/v1/me/posts).
ALTER TABLE posts
    DROP KEY posts_author,
    ADD KEY posts_author_new (author_id, created_at, id);
