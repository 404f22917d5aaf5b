CREATE TABLE reactions (
    target_kind VARCHAR(16) NOT NULL,
    target_id CHAR(36) NOT NULL,
    user_id CHAR(36) NOT NULL,
    value BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (target_kind, target_id, user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
