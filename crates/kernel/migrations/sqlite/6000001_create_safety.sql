-- The sensitive-word lexicon (deny words with a category and an action; allow-list
-- entries with neither) and the audit of every hit.
CREATE TABLE safety_words (
    word TEXT NOT NULL PRIMARY KEY,
    list TEXT NOT NULL,
    category TEXT,
    action TEXT,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL
);

CREATE TABLE safety_hits (
    id TEXT NOT NULL PRIMARY KEY,
    place TEXT NOT NULL,
    item_id TEXT,
    field TEXT NOT NULL,
    user_id TEXT,
    word TEXT NOT NULL,
    category TEXT NOT NULL,
    action TEXT NOT NULL,
    occurred_at INTEGER NOT NULL
);
CREATE INDEX safety_hits_category ON safety_hits (category, id);
CREATE INDEX safety_hits_user ON safety_hits (user_id, id);

-- Re-checks of recent posts and comments against words just added; resumable from the
-- cursors, claimed by one instance at a time through the lease.
CREATE TABLE safety_rechecks (
    id TEXT NOT NULL PRIMARY KEY,
    words_added_from INTEGER NOT NULL,
    since_ms INTEGER NOT NULL,
    post_after TEXT NOT NULL DEFAULT '',
    comment_after TEXT NOT NULL DEFAULT '',
    flagged INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX safety_rechecks_open ON safety_rechecks (finished_at, created_at);
