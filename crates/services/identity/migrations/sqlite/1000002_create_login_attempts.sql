CREATE TABLE login_attempts (
    id TEXT NOT NULL PRIMARY KEY,
    scene TEXT NOT NULL UNIQUE,
    ticket TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    openid TEXT,
    user_id TEXT,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    scanned_at INTEGER,
    completed_at INTEGER
);
CREATE INDEX login_attempts_created_at ON login_attempts (created_at);
