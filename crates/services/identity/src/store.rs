//! The identity tables: users, login_attempts, sessions, refresh_tokens. Nobody else
//! reads or writes them; other services go through the identity client.

use sqlx::{Any, AnyPool, Row as _, Transaction};
use yujie_db::{is_unique_violation, Db};
use yujie_kernel::ids::new_id;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub nickname: String,
    pub avatar_key: Option<String>,
    pub member_until: Option<i64>,
    pub banned_until: Option<i64>,
    pub ban_reason: Option<String>,
    pub created_at: i64,
}

const USER_COLUMNS: &str = "id, nickname, avatar_key, member_until, banned_until, ban_reason, created_at";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptStatus {
    Pending,
    Scanned,
    Completed,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub status: String,
    pub user_id: Option<String>,
    pub expires_at: i64,
}

impl AttemptRow {
    pub fn status(&self) -> AttemptStatus {
        match self.status.as_str() {
            "scanned" => AttemptStatus::Scanned,
            "completed" => AttemptStatus::Completed,
            _ => AttemptStatus::Pending,
        }
    }
}

/// What a refresh token points at.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshRow {
    pub session_id: String,
    pub used_at: Option<i64>,
    pub user_id: String,
    pub revoked_at: Option<i64>,
    pub expires_at: i64,
}

/// Outcome of marking a scene scanned.
pub enum ScanOutcome {
    /// The attempt now belongs to this user.
    Accepted { attempt_id: String, user_id: String },
    /// No pending, unexpired attempt has this ticket and scene.
    Refused,
}

#[derive(Clone)]
pub struct IdentityStore {
    db: Db,
}

impl IdentityStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn pool(&self) -> &AnyPool {
        self.db.pool()
    }

    pub async fn user(&self, user_id: &str) -> sqlx::Result<Option<UserRow>> {
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
            .bind(user_id)
            .fetch_optional(self.pool())
            .await
    }

    /// The users with these ids; unknown ids are left out.
    pub async fn users(&self, ids: &[String]) -> sqlx::Result<Vec<UserRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; ids.len()].join(", ");
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id IN ({placeholders})");
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(self.pool()).await
    }

    pub async fn insert_attempt(
        &self,
        id: &str,
        scene: &str,
        ticket: &str,
        expires_at: i64,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO login_attempts (id, scene, ticket, status, expires_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?)",
        )
        .bind(id)
        .bind(scene)
        .bind(ticket)
        .bind(expires_at)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn attempt(&self, id: &str) -> sqlx::Result<Option<AttemptRow>> {
        sqlx::query_as("SELECT status, user_id, expires_at FROM login_attempts WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// Marks the attempt with this ticket and scene scanned by `openid`, registering the
    /// user on their first scan, all in one transaction: an expired, used or unknown
    /// scene changes nothing, not even the user table.
    pub async fn accept_scan(
        &self,
        ticket: &str,
        scene: &str,
        openid: &str,
        unionid: Option<&str>,
        now: i64,
    ) -> sqlx::Result<ScanOutcome> {
        let mut tx = self.pool().begin().await?;
        let claimed = sqlx::query(
            "UPDATE login_attempts SET status = 'scanned', openid = ?, scanned_at = ? \
             WHERE ticket = ? AND scene = ? AND status = 'pending' AND expires_at > ?",
        )
        .bind(openid)
        .bind(now)
        .bind(ticket)
        .bind(scene)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed != 1 {
            tx.rollback().await?;
            return Ok(ScanOutcome::Refused);
        }
        let user_id = find_or_register(&mut tx, openid, unionid, now).await?;
        let attempt_id: String = sqlx::query("SELECT id FROM login_attempts WHERE ticket = ?")
            .bind(ticket)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        sqlx::query("UPDATE login_attempts SET user_id = ? WHERE id = ?")
            .bind(&user_id)
            .bind(&attempt_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ScanOutcome::Accepted { attempt_id, user_id })
    }

    /// Moves a scanned attempt to completed; true for the one caller that wins.
    pub async fn complete_attempt(&self, id: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE login_attempts SET status = 'completed', completed_at = ? WHERE id = ? AND status = 'scanned'",
        )
        .bind(now)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Opens a session with its first refresh token.
    pub async fn create_session(
        &self,
        user_id: &str,
        refresh_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> sqlx::Result<String> {
        let session_id = new_id();
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(&session_id)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        insert_refresh(&mut tx, refresh_hash, &session_id, now).await?;
        tx.commit().await?;
        Ok(session_id)
    }

    pub async fn refresh_token(&self, hash: &str) -> sqlx::Result<Option<RefreshRow>> {
        sqlx::query_as(
            "SELECT r.session_id, r.used_at, s.user_id, s.revoked_at, s.expires_at \
             FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = ?",
        )
        .bind(hash)
        .fetch_optional(self.pool())
        .await
    }

    /// Uses `old_hash` and stores its successor; false if `old_hash` was already used
    /// (a concurrent reuse), in which case nothing is written.
    pub async fn rotate_refresh(
        &self,
        session_id: &str,
        old_hash: &str,
        new_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool().begin().await?;
        let used = sqlx::query("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL")
            .bind(now)
            .bind(old_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if used != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_refresh(&mut tx, new_hash, session_id, now).await?;
        sqlx::query("UPDATE sessions SET expires_at = ? WHERE id = ?")
            .bind(expires_at)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn session_active(&self, session_id: &str, now: i64) -> sqlx::Result<bool> {
        let row = sqlx::query("SELECT id FROM sessions WHERE id = ? AND revoked_at IS NULL AND expires_at > ?")
            .bind(session_id)
            .bind(now)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    pub async fn revoke_session(&self, session_id: &str, reason: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(reason)
            .bind(session_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Revokes every live session of a user and returns their ids.
    pub async fn revoke_all_sessions(&self, user_id: &str, reason: &str, now: i64) -> sqlx::Result<Vec<String>> {
        let mut tx = self.pool().begin().await?;
        let ids = live_session_ids(&mut tx, user_id, now).await?;
        sqlx::query("UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(reason)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Sets or lifts a ban (`banned_until = None`). A ban also revokes every session,
    /// in the same transaction; their ids are returned. `None` if the user is unknown.
    pub async fn set_ban(
        &self,
        user_id: &str,
        banned_until: Option<i64>,
        reason: Option<&str>,
        now: i64,
    ) -> sqlx::Result<Option<Vec<String>>> {
        let mut tx = self.pool().begin().await?;
        let updated = sqlx::query("UPDATE users SET banned_until = ?, ban_reason = ?, updated_at = ? WHERE id = ?")
            .bind(banned_until)
            .bind(reason)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        let mut revoked = Vec::new();
        if banned_until.is_some() {
            revoked = live_session_ids(&mut tx, user_id, now).await?;
            sqlx::query(
                "UPDATE sessions SET revoked_at = ?, revoke_reason = 'banned' WHERE user_id = ? AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(revoked))
    }

    /// True if the user exists.
    pub async fn set_member_until(&self, user_id: &str, member_until: Option<i64>, now: i64) -> sqlx::Result<bool> {
        let updated = sqlx::query("UPDATE users SET member_until = ?, updated_at = ? WHERE id = ?")
            .bind(member_until)
            .bind(now)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Extends membership by `period_days` once per `grant_key`, in one transaction:
    /// from now, or from the current end while still a member. A repeated key changes
    /// nothing. Returns the end of membership, or `None` if the user is unknown.
    pub async fn extend_membership(
        &self,
        user_id: &str,
        period_days: i64,
        grant_key: &str,
        now: i64,
    ) -> sqlx::Result<Option<i64>> {
        let mut tx = self.pool().begin().await?;
        // The grant row is written first: it makes this transaction the writer at once
        // (no read-then-upgrade on SQLite), and a concurrent twin with the same key waits
        // on it (MySQL) and then fails as a duplicate.
        let inserted = sqlx::query(
            "INSERT INTO membership_grants (grant_key, user_id, period_days, member_until, created_at) \
             VALUES (?, ?, ?, 0, ?)",
        )
        .bind(grant_key)
        .bind(user_id)
        .bind(period_days)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => {
                tx.rollback().await?;
                return Ok(self.user(user_id).await?.and_then(|user| user.member_until));
            }
            Err(error) => return Err(error),
        }
        let period_ms = period_days * 24 * 3600 * 1000;
        // One statement reads and writes the end, so two different grants for the same
        // user stack instead of overwriting each other.
        let updated = sqlx::query(
            "UPDATE users SET member_until = CASE WHEN member_until IS NOT NULL AND member_until > ? \
             THEN member_until + ? ELSE ? END, updated_at = ? WHERE id = ?",
        )
        .bind(now)
        .bind(period_ms)
        .bind(now + period_ms)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        let until: Option<i64> = sqlx::query("SELECT member_until FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("member_until")?;
        sqlx::query("UPDATE membership_grants SET member_until = ? WHERE grant_key = ?")
            .bind(until.unwrap_or(now + period_ms))
            .bind(grant_key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(until)
    }

    pub async fn set_nickname(&self, user_id: &str, nickname: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE users SET nickname = ?, updated_at = ? WHERE id = ?")
            .bind(nickname)
            .bind(now)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Points the user at a new avatar and returns the previous key.
    pub async fn set_avatar(&self, user_id: &str, key: &str, now: i64) -> sqlx::Result<Option<String>> {
        let mut tx = self.pool().begin().await?;
        let previous: Option<String> = sqlx::query("SELECT avatar_key FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("avatar_key")?;
        sqlx::query("UPDATE users SET avatar_key = ?, updated_at = ? WHERE id = ?")
            .bind(key)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(previous)
    }

    /// Deletes what no longer matters: attempts older than `attempts_before`, and
    /// refresh tokens of sessions that ended before `sessions_before`.
    pub async fn purge(&self, attempts_before: i64, sessions_before: i64) -> sqlx::Result<u64> {
        let attempts = sqlx::query("DELETE FROM login_attempts WHERE created_at < ?")
            .bind(attempts_before)
            .execute(self.pool())
            .await?
            .rows_affected();
        let tokens = sqlx::query(
            "DELETE FROM refresh_tokens WHERE session_id IN \
             (SELECT id FROM sessions WHERE expires_at < ? OR revoked_at < ?)",
        )
        .bind(sessions_before)
        .bind(sessions_before)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(attempts + tokens)
    }
}

async fn insert_refresh(tx: &mut Transaction<'_, Any>, hash: &str, session_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)")
        .bind(hash)
        .bind(session_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn live_session_ids(tx: &mut Transaction<'_, Any>, user_id: &str, now: i64) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query("SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?")
        .bind(user_id)
        .bind(now)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(|row| row.try_get("id")).collect()
}

/// The user with this openid, registering them on their first scan. The default
/// nickname is 「加油站用户」 and a short id: WeChat no longer gives nicknames.
async fn find_or_register(
    tx: &mut Transaction<'_, Any>,
    openid: &str,
    unionid: Option<&str>,
    now: i64,
) -> sqlx::Result<String> {
    let existing = sqlx::query("SELECT id FROM users WHERE openid = ?").bind(openid).fetch_optional(&mut **tx).await?;
    if let Some(row) = existing {
        return row.try_get("id");
    }
    let id = new_id();
    let short_id = &yujie_kernel::ids::random_hex(3)[..6];
    let inserted = sqlx::query(
        "INSERT INTO users (id, openid, unionid, nickname, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(openid)
    .bind(unionid)
    .bind(format!("加油站用户{short_id}"))
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await;
    match inserted {
        Ok(_) => Ok(id),
        // A concurrent first scan by the same person registered them: use that row.
        Err(error) if is_unique_violation(&error) => {
            sqlx::query("SELECT id FROM users WHERE openid = ?").bind(openid).fetch_one(&mut **tx).await?.try_get("id")
        }
        Err(error) => Err(error),
    }
}
