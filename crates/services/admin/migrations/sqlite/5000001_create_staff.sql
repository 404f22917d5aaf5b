-- Staff accounts, registered on their first sign-in through the company's identity
-- provider; server-side staff sessions; the append-only audit log of staff actions.
CREATE TABLE staff_accounts (
    id TEXT NOT NULL PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_sign_in_at INTEGER NOT NULL,
    UNIQUE (issuer, subject)
);

CREATE TABLE staff_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL,
    role TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id);

CREATE TABLE staff_audit (
    id TEXT NOT NULL PRIMARY KEY,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reason TEXT,
    before_state TEXT,
    after_state TEXT,
    occurred_at INTEGER NOT NULL
);
CREATE INDEX staff_audit_target ON staff_audit (target_kind, target_id, id);
CREATE INDEX staff_audit_actor ON staff_audit (actor_id, id);
