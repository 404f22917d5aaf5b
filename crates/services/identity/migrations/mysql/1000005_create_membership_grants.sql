CREATE TABLE membership_grants (
    grant_key VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    period_days INT NOT NULL,
    member_until BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    KEY membership_grants_user_id (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
