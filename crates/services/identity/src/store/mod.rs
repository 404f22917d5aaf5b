//! The identity tables: users, login_attempts, sessions, refresh_tokens and
//! membership_grants (one row per fulfilled grant key, so a payment extends membership
//! once). Nobody else reads or writes them; other services go through the identity
//! client.

mod logins;
mod sessions;

use sqlx::{AnyPool, Row as _};
use yujie_db::{is_unique_violation, Db};

pub use logins::ScanOutcome;
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

    /// Staff search: the user with this id, or users whose nickname contains `query`,
    /// newest first. A substring match scans the users table: fine for staff, not for
    /// the public API.
    pub async fn search_users(&self, query: &str, limit: i64) -> sqlx::Result<Vec<UserRow>> {
        // `!` escapes: a backslash means different things in MySQL and SQLite literals.
        let escaped = query.replace('!', "!!").replace('%', "!%").replace('_', "!_");
        sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = ? OR nickname LIKE ? ESCAPE '!' ORDER BY created_at DESC LIMIT ?"
        ))
        .bind(query)
        .bind(format!("%{escaped}%"))
        .bind(limit)
        .fetch_all(self.pool())
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
}
