CREATE TABLE reports (
    id CHAR(36) NOT NULL PRIMARY KEY,
    target_kind VARCHAR(16) NOT NULL,
    target_id CHAR(36) NOT NULL,
    reporter_id CHAR(36) NOT NULL,
    reason VARCHAR(16) NOT NULL,
    note VARCHAR(500) NULL,
    snapshot VARCHAR(12000) NOT NULL,
    open_key VARCHAR(120) NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT NULL,
    UNIQUE KEY reports_open_key (open_key),
    KEY reports_target (target_kind, target_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
