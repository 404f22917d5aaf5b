//! Sign-in attempts, and registration on a first scan.

use sqlx::{Any, Row as _, Transaction};
use yujie_db::is_unique_violation;
use yujie_kernel::ids::new_id;

use super::{AttemptRow, IdentityStore};

/// Outcome of marking a scene scanned.
pub enum ScanOutcome {
    /// The attempt now belongs to this user.
    Accepted { attempt_id: String, user_id: String },
    /// No pending, unexpired attempt has this ticket and scene.
    Refused,
}

impl IdentityStore {
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
