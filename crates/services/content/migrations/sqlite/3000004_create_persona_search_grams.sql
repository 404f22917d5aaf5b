CREATE TABLE persona_search_grams (
    gram TEXT NOT NULL,
    persona_id TEXT NOT NULL,
    PRIMARY KEY (gram, persona_id)
);
