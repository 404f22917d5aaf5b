-- What the companion knows of personas: a projection of content's change feed.
CREATE TABLE companion_personas (
    id CHAR(36) NOT NULL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    aliases VARCHAR(2000) NOT NULL,
    style_note VARCHAR(2000) NOT NULL DEFAULT '',
    removed INT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE TABLE companion_entries (
    id CHAR(36) NOT NULL PRIMARY KEY,
    persona_id CHAR(36) NOT NULL,
    body VARCHAR(4000) NOT NULL,
    live INT NOT NULL,
    created_at BIGINT NOT NULL,
    KEY companion_entries_persona (persona_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One knowledge document per profile and per post, and its sync state.
CREATE TABLE companion_documents (
    doc_key VARCHAR(64) NOT NULL PRIMARY KEY,
    persona_id CHAR(36) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    body VARCHAR(6000) NOT NULL,
    live INT NOT NULL,
    version BIGINT NOT NULL,
    synced_version BIGINT NOT NULL DEFAULT 0,
    provider_doc_id VARCHAR(128) NULL,
    state VARCHAR(16) NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    last_error VARCHAR(500) NULL,
    changed_at BIGINT NOT NULL,
    synced_at BIGINT NULL,
    KEY companion_documents_due (state, next_attempt_at),
    KEY companion_documents_persona (persona_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE companion_sync_cursor (
    id INT NOT NULL PRIMARY KEY,
    after_seq BIGINT NOT NULL
) ENGINE = InnoDB;
INSERT INTO companion_sync_cursor (id, after_seq) VALUES (1, 0);

-- Our own retrieval index (the openai provider): passages and their terms.
CREATE TABLE companion_passages (
    doc_key VARCHAR(64) NOT NULL,
    passage INT NOT NULL,
    persona_id CHAR(36) NOT NULL,
    body VARCHAR(400) NOT NULL,
    length INT NOT NULL,
    PRIMARY KEY (doc_key, passage),
    KEY companion_passages_persona (persona_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE TABLE companion_postings (
    persona_id CHAR(36) NOT NULL,
    term VARCHAR(64) NOT NULL,
    doc_key VARCHAR(64) NOT NULL,
    passage INT NOT NULL,
    frequency INT NOT NULL,
    PRIMARY KEY (persona_id, term, doc_key, passage),
    KEY companion_postings_doc (doc_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE companion_conversations (
    id CHAR(36) NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    persona_id CHAR(36) NOT NULL,
    provider_conversation_id VARCHAR(128) NULL,
    created_at BIGINT NOT NULL,
    KEY companion_conversations_user (user_id, persona_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE TABLE companion_messages (
    id CHAR(36) NOT NULL PRIMARY KEY,
    conversation_id CHAR(36) NOT NULL,
    role VARCHAR(16) NOT NULL,
    body VARCHAR(12000) NOT NULL,
    state VARCHAR(16) NOT NULL,
    provider_message_id VARCHAR(128) NULL,
    created_at BIGINT NOT NULL,
    KEY companion_messages_conversation (conversation_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE TABLE companion_feedback (
    message_id CHAR(36) NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    persona_id CHAR(36) NOT NULL,
    reason VARCHAR(500) NULL,
    created_at BIGINT NOT NULL,
    KEY companion_feedback_persona (persona_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Messages and voice seconds used per user and Asia/Shanghai day.
CREATE TABLE companion_usage (
    user_id CHAR(36) NOT NULL,
    day CHAR(10) NOT NULL,
    kind VARCHAR(8) NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, kind)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Voice calls. `active_user` is the user while the call runs and NULL after: its
-- unique index allows one running call per user on both databases.
CREATE TABLE companion_calls (
    id CHAR(36) NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    persona_id CHAR(36) NOT NULL,
    active_user CHAR(36) NULL,
    day CHAR(10) NOT NULL,
    room_id VARCHAR(64) NOT NULL,
    task_id VARCHAR(64) NOT NULL,
    started_at BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    ended_at BIGINT NULL,
    used_secs BIGINT NULL,
    end_reason VARCHAR(16) NULL,
    UNIQUE KEY companion_calls_active (active_user),
    KEY companion_calls_user (user_id, started_at),
    KEY companion_calls_deadline (ended_at, deadline_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE TABLE companion_callback_events (
    event_id VARCHAR(128) NOT NULL PRIMARY KEY,
    received_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
