CREATE TABLE content_changes (
    seq BIGINT NOT NULL PRIMARY KEY,
    persona_id CHAR(36) NOT NULL,
    item_kind VARCHAR(16) NOT NULL,
    item_id CHAR(36) NOT NULL,
    action VARCHAR(16) NOT NULL,
    payload VARCHAR(12000) NOT NULL,
    occurred_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
