CREATE TABLE persona_search_grams (
    gram VARCHAR(8) NOT NULL,
    persona_id CHAR(36) NOT NULL,
    PRIMARY KEY (gram, persona_id),
    KEY persona_search_grams_persona (persona_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
