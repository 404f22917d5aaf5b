CREATE TABLE persona_photos (
    id CHAR(36) NOT NULL PRIMARY KEY,
    persona_id CHAR(36) NOT NULL,
    author_id CHAR(36) NOT NULL,
    object_keys VARCHAR(1000) NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    removed_at BIGINT NULL,
    removal_reason VARCHAR(500) NULL,
    KEY persona_photos_persona (persona_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
