CREATE TABLE persona_entries (
    id CHAR(36) NOT NULL PRIMARY KEY,
    persona_id CHAR(36) NOT NULL,
    section VARCHAR(16) NOT NULL,
    author_id CHAR(36) NOT NULL,
    work_kind VARCHAR(16) NULL,
    title VARCHAR(200) NULL,
    body VARCHAR(2000) NULL,
    year BIGINT NULL,
    occurred_on VARCHAR(10) NULL,
    role VARCHAR(100) NULL,
    issuer VARCHAR(200) NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    removed_at BIGINT NULL,
    removal_reason VARCHAR(500) NULL,
    KEY persona_entries_persona (persona_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
