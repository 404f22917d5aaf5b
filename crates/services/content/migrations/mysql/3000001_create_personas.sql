CREATE TABLE personas (
    id CHAR(36) NOT NULL PRIMARY KEY,
    name VARCHAR(64) NOT NULL,
    aliases VARCHAR(1000) NOT NULL,
    cover_photo_id CHAR(36) NULL,
    creator_id CHAR(36) NOT NULL,
    popularity BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    removed_at BIGINT NULL,
    removal_reason VARCHAR(500) NULL,
    KEY personas_popularity (popularity, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
