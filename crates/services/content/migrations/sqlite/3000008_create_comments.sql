CREATE TABLE comments (
    id TEXT NOT NULL PRIMARY KEY,
    post_id TEXT NOT NULL,
    root_id TEXT,
    reply_to_id TEXT,
    reply_to_user_id TEXT,
    author_id TEXT NOT NULL,
    body TEXT NOT NULL,
    like_count INTEGER NOT NULL,
    dislike_count INTEGER NOT NULL,
    reply_count INTEGER NOT NULL,
    hot_rank INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    removed_at INTEGER,
    removal_reason TEXT
);
CREATE INDEX comments_post ON comments (post_id, root_id, created_at);
CREATE INDEX comments_root ON comments (root_id, created_at);
CREATE INDEX comments_author ON comments (author_id);
