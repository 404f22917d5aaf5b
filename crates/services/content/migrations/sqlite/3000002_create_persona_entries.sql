CREATE TABLE persona_entries (
    id TEXT NOT NULL PRIMARY KEY,
    persona_id TEXT NOT NULL,
    section TEXT NOT NULL,
    author_id TEXT NOT NULL,
    work_kind TEXT,
    title TEXT,
    body TEXT,
    year INTEGER,
    occurred_on TEXT,
    role TEXT,
    issuer TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    removed_at INTEGER,
    removal_reason TEXT
);
CREATE INDEX persona_entries_persona ON persona_entries (persona_id);
