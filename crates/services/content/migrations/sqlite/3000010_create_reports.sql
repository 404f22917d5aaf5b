CREATE TABLE reports (
    id TEXT NOT NULL PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reporter_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT,
    snapshot TEXT NOT NULL,
    open_key TEXT UNIQUE,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER
);
CREATE INDEX reports_target ON reports (target_kind, target_id);
