CREATE TABLE login_attempts (
    id CHAR(32) NOT NULL PRIMARY KEY,
    scene VARCHAR(64) NOT NULL,
    ticket VARCHAR(191) NOT NULL,
    status VARCHAR(16) NOT NULL,
    openid VARCHAR(64) NULL,
    user_id CHAR(36) NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    scanned_at BIGINT NULL,
    completed_at BIGINT NULL,
    UNIQUE KEY login_attempts_scene (scene),
    UNIQUE KEY login_attempts_ticket (ticket),
    KEY login_attempts_created_at (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
