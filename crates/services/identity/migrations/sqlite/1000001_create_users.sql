CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    openid TEXT NOT NULL UNIQUE,
    unionid TEXT,
    nickname TEXT NOT NULL,
    avatar_key TEXT,
    member_until INTEGER,
    banned_until INTEGER,
    ban_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
