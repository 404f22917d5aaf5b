CREATE TABLE users (
    id CHAR(36) NOT NULL PRIMARY KEY,
    openid VARCHAR(64) NOT NULL,
    unionid VARCHAR(64) NULL,
    nickname VARCHAR(64) NOT NULL,
    avatar_key VARCHAR(200) NULL,
    member_until BIGINT NULL,
    banned_until BIGINT NULL,
    ban_reason VARCHAR(500) NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE KEY users_openid (openid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
