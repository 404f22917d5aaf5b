-- The sensitive-word lexicon (deny words with a category and an action; allow-list
-- entries with neither) and the audit of every hit.
CREATE TABLE safety_words (
    word VARCHAR(64) NOT NULL PRIMARY KEY,
    list VARCHAR(8) NOT NULL,
    category VARCHAR(16) NULL,
    action VARCHAR(8) NULL,
    added_by VARCHAR(64) NOT NULL,
    added_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE safety_hits (
    id CHAR(36) NOT NULL PRIMARY KEY,
    place VARCHAR(16) NOT NULL,
    item_id VARCHAR(64) NULL,
    field VARCHAR(64) NOT NULL,
    user_id VARCHAR(64) NULL,
    word VARCHAR(64) NOT NULL,
    category VARCHAR(16) NOT NULL,
    action VARCHAR(8) NOT NULL,
    occurred_at BIGINT NOT NULL,
    KEY safety_hits_category (category, id),
    KEY safety_hits_user (user_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Re-checks of recent posts and comments against words just added; resumable from the
-- cursors, claimed by one instance at a time through the lease.
CREATE TABLE safety_rechecks (
    id CHAR(36) NOT NULL PRIMARY KEY,
    words_added_from BIGINT NOT NULL,
    since_ms BIGINT NOT NULL,
    post_after VARCHAR(64) NOT NULL DEFAULT '',
    comment_after VARCHAR(64) NOT NULL DEFAULT '',
    flagged BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    finished_at BIGINT NULL,
    KEY safety_rechecks_open (finished_at, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
