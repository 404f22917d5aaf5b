CREATE TABLE personas (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    cover_photo_id TEXT,
    creator_id TEXT NOT NULL,
    popularity INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    removed_at INTEGER,
    removal_reason TEXT
);
CREATE INDEX personas_popularity ON personas (popularity, id);
