-- Staff accounts, registered on their first sign-in through the company's identity
-- provider; server-side staff sessions; the append-only audit log of staff actions.
CREATE TABLE staff_accounts (
    id CHAR(36) NOT NULL PRIMARY KEY,
    issuer VARCHAR(255) NOT NULL,
    subject VARCHAR(255) NOT NULL,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(255) NULL,
    role VARCHAR(100) NOT NULL,
    created_at BIGINT NOT NULL,
    last_sign_in_at BIGINT NOT NULL,
    UNIQUE KEY staff_accounts_subject (issuer, subject)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE staff_sessions (
    token_hash CHAR(64) NOT NULL PRIMARY KEY,
    account_id CHAR(36) NOT NULL,
    role VARCHAR(100) NOT NULL,
    csrf_token CHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    KEY staff_sessions_account (account_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE staff_audit (
    id CHAR(36) NOT NULL PRIMARY KEY,
    actor_id CHAR(36) NOT NULL,
    actor_name VARCHAR(100) NOT NULL,
    action VARCHAR(32) NOT NULL,
    target_kind VARCHAR(16) NOT NULL,
    target_id VARCHAR(64) NOT NULL,
    reason VARCHAR(500) NULL,
    before_state VARCHAR(6000) NULL,
    after_state VARCHAR(6000) NULL,
    occurred_at BIGINT NOT NULL,
    KEY staff_audit_target (target_kind, target_id, id),
    KEY staff_audit_actor (actor_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
