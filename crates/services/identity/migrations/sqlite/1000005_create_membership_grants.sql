CREATE TABLE membership_grants (
    grant_key TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    period_days INTEGER NOT NULL,
    member_until INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX membership_grants_user_id ON membership_grants (user_id);
