CREATE TABLE content_changes (
    seq INTEGER NOT NULL PRIMARY KEY,
    persona_id TEXT NOT NULL,
    item_kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at INTEGER NOT NULL
);
