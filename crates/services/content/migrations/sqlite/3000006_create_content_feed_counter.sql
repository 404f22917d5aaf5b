CREATE TABLE content_feed_counter (
    id INTEGER NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO content_feed_counter (id, value) VALUES (1, 0);
