CREATE TABLE orders (
    id TEXT NOT NULL PRIMARY KEY,
    out_trade_no TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    period_days INTEGER NOT NULL,
    state TEXT NOT NULL,
    open_key TEXT UNIQUE,
    qr_payload TEXT,
    channel_trade_no TEXT,
    member_until INTEGER,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    paid_at INTEGER,
    fulfilled_at INTEGER,
    closed_at INTEGER
);
CREATE INDEX orders_user_created ON orders (user_id, created_at);
CREATE INDEX orders_state_created ON orders (state, created_at);
CREATE INDEX orders_created ON orders (created_at);
