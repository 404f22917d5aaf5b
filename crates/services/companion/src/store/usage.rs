//! Daily usage counters in SQL: voice seconds always, messages when there is no Redis.
//! A message is taken by one conditional UPDATE whose affected rows decide, so the
//! count is exact however many instances race.

use yujie_db::is_unique_violation;

use super::CompanionStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    Message,
    VoiceSecs,
}

impl UsageKind {
    fn as_str(self) -> &'static str {
        match self {
            UsageKind::Message => "message",
            UsageKind::VoiceSecs => "voice",
        }
    }
}

impl CompanionStore {
    pub async fn used(&self, user_id: &str, day: &str, kind: UsageKind) -> sqlx::Result<u64> {
        let used: Option<i64> =
            sqlx::query_scalar("SELECT used FROM companion_usage WHERE user_id = ? AND day = ? AND kind = ?")
                .bind(user_id)
                .bind(day)
                .bind(kind.as_str())
                .fetch_optional(self.pool())
                .await?;
        Ok(used.map_or(0, |used| u64::try_from(used).unwrap_or(0)))
    }

    /// Adds `amount` while the total stays within `limit`; false when it would not.
    pub async fn take(&self, user_id: &str, day: &str, kind: UsageKind, amount: u64, limit: u64) -> sqlx::Result<bool> {
        let (amount, limit) = (i64::try_from(amount).unwrap_or(i64::MAX), i64::try_from(limit).unwrap_or(i64::MAX));
        for _ in 0..2 {
            let taken = sqlx::query(
                "UPDATE companion_usage SET used = used + ? WHERE user_id = ? AND day = ? AND kind = ? AND used + ? <= ?",
            )
            .bind(amount)
            .bind(user_id)
            .bind(day)
            .bind(kind.as_str())
            .bind(amount)
            .bind(limit)
            .execute(self.pool())
            .await?;
            if taken.rows_affected() == 1 {
                return Ok(true);
            }
            let created = sqlx::query("INSERT INTO companion_usage (user_id, day, kind, used) VALUES (?, ?, ?, 0)")
                .bind(user_id)
                .bind(day)
                .bind(kind.as_str())
                .execute(self.pool())
                .await;
            match created {
                Ok(_) => {}
                // The row exists: the update failed on the limit.
                Err(error) if is_unique_violation(&error) => return Ok(false),
                Err(error) => return Err(error),
            }
        }
        Ok(false)
    }

    /// Gives back `amount` (never below zero).
    pub async fn give_back(&self, user_id: &str, day: &str, kind: UsageKind, amount: u64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE companion_usage SET used = CASE WHEN used > ? THEN used - ? ELSE 0 END \
             WHERE user_id = ? AND day = ? AND kind = ?",
        )
        .bind(i64::try_from(amount).unwrap_or(i64::MAX))
        .bind(i64::try_from(amount).unwrap_or(i64::MAX))
        .bind(user_id)
        .bind(day)
        .bind(kind.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
