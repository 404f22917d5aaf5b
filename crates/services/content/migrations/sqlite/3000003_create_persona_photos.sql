CREATE TABLE persona_photos (
    id TEXT NOT NULL PRIMARY KEY,
    persona_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    object_keys TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    removed_at INTEGER,
    removal_reason TEXT
);
CREATE INDEX persona_photos_persona ON persona_photos (persona_id);
