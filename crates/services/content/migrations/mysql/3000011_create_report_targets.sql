CREATE TABLE report_targets (
    target_kind VARCHAR(16) NOT NULL,
    target_id CHAR(36) NOT NULL,
    author_id CHAR(36) NOT NULL,
    open_count BIGINT NOT NULL,
    last_reported_at BIGINT NOT NULL,
    PRIMARY KEY (target_kind, target_id),
    KEY report_targets_open (open_count, last_reported_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
