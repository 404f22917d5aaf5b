//! Sessions (refresh-token families), their tokens, and bans that end them.

use sqlx::{Any, Row as _, Transaction};
use yujie_kernel::ids::new_id;

use super::{IdentityStore, RefreshRow};

impl IdentityStore {
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
