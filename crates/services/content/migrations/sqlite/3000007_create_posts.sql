CREATE TABLE posts (
    id TEXT NOT NULL PRIMARY KEY,
    persona_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    event_date TEXT,
    images TEXT NOT NULL,
    like_count INTEGER NOT NULL,
    dislike_count INTEGER NOT NULL,
    comment_count INTEGER NOT NULL,
    hot_rank INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    edited_at INTEGER,
    deleted_at INTEGER,
    removed_at INTEGER,
    removal_reason TEXT
);
CREATE INDEX posts_new ON posts (created_at, id);
CREATE INDEX posts_hot ON posts (hot_rank, id);
CREATE INDEX posts_persona ON posts (persona_id, created_at);
CREATE INDEX posts_author ON posts (author_id);
