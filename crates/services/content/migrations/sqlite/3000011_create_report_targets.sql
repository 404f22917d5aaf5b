CREATE TABLE report_targets (
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    open_count INTEGER NOT NULL,
    last_reported_at INTEGER NOT NULL,
    PRIMARY KEY (target_kind, target_id)
);
CREATE INDEX report_targets_open ON report_targets (open_count, last_reported_at);
