-- What the companion knows of personas: a projection of content's change feed.
CREATE TABLE companion_personas (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    style_note TEXT NOT NULL DEFAULT '',
    removed INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE TABLE companion_entries (
    id TEXT NOT NULL PRIMARY KEY,
    persona_id TEXT NOT NULL,
    body TEXT NOT NULL,
    live INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX companion_entries_persona ON companion_entries (persona_id, created_at);

-- One knowledge document per profile and per post, and its sync state.
CREATE TABLE companion_documents (
    doc_key TEXT NOT NULL PRIMARY KEY,
    persona_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    live INTEGER NOT NULL,
    version INTEGER NOT NULL,
    synced_version INTEGER NOT NULL DEFAULT 0,
    provider_doc_id TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    changed_at INTEGER NOT NULL,
    synced_at INTEGER
);
CREATE INDEX companion_documents_due ON companion_documents (state, next_attempt_at);
CREATE INDEX companion_documents_persona ON companion_documents (persona_id);

CREATE TABLE companion_sync_cursor (
    id INTEGER NOT NULL PRIMARY KEY,
    after_seq INTEGER NOT NULL
);
INSERT INTO companion_sync_cursor (id, after_seq) VALUES (1, 0);

-- Our own retrieval index (the openai provider): passages and their terms.
CREATE TABLE companion_passages (
    doc_key TEXT NOT NULL,
    passage INTEGER NOT NULL,
    persona_id TEXT NOT NULL,
    body TEXT NOT NULL,
    length INTEGER NOT NULL,
    PRIMARY KEY (doc_key, passage)
);
CREATE INDEX companion_passages_persona ON companion_passages (persona_id);
CREATE TABLE companion_postings (
    persona_id TEXT NOT NULL,
    term TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    passage INTEGER NOT NULL,
    frequency INTEGER NOT NULL,
    PRIMARY KEY (persona_id, term, doc_key, passage)
);
CREATE INDEX companion_postings_doc ON companion_postings (doc_key);

CREATE TABLE companion_conversations (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    persona_id TEXT NOT NULL,
    provider_conversation_id TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX companion_conversations_user ON companion_conversations (user_id, persona_id, created_at);
CREATE TABLE companion_messages (
    id TEXT NOT NULL PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    role TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    provider_message_id TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX companion_messages_conversation ON companion_messages (conversation_id, created_at);
CREATE TABLE companion_feedback (
    message_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    persona_id TEXT NOT NULL,
    reason TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX companion_feedback_persona ON companion_feedback (persona_id, created_at);

-- Messages and voice seconds used per user and Asia/Shanghai day.
CREATE TABLE companion_usage (
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (user_id, day, kind)
);

-- Voice calls. `active_user` is the user while the call runs and NULL after: its
-- unique index allows one running call per user on both databases.
CREATE TABLE companion_calls (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    persona_id TEXT NOT NULL,
    active_user TEXT UNIQUE,
    day TEXT NOT NULL,
    room_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    ended_at INTEGER,
    used_secs INTEGER,
    end_reason TEXT
);
CREATE INDEX companion_calls_user ON companion_calls (user_id, started_at);
CREATE INDEX companion_calls_deadline ON companion_calls (ended_at, deadline_at);
CREATE TABLE companion_callback_events (
    event_id TEXT NOT NULL PRIMARY KEY,
    received_at INTEGER NOT NULL
);
