CREATE TABLE content_feed_counter (
    id BIGINT NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
) ENGINE = InnoDB;
INSERT INTO content_feed_counter (id, value) VALUES (1, 0);
