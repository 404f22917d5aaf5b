//! Voice calls: at most one running per user (a unique column), deadlines stored so a
//! restart keeps them, and used seconds accounted once, in the transaction that ends
//! the call.

use yujie_db::is_unique_violation;

use super::CompanionStore;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallRow {
    pub id: String,
    pub user_id: String,
    pub persona_id: String,
    pub day: String,
    pub room_id: String,
    pub task_id: String,
    pub started_at: i64,
    pub deadline_at: i64,
    pub heartbeat_at: i64,
    pub ended_at: Option<i64>,
    pub used_secs: Option<i64>,
    pub end_reason: Option<String>,
}

/// A call this process just ended.
#[derive(Debug, Clone)]
pub struct EndedCall {
    pub used_secs: i64,
}

const CALL: &str = "SELECT id, user_id, persona_id, day, room_id, task_id, started_at, deadline_at, heartbeat_at, \
                    ended_at, used_secs, end_reason FROM companion_calls";

impl CompanionStore {
    /// Stores a new running call; false when the user already has one.
    pub async fn start_call(&self, call: &CallRow) -> sqlx::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO companion_calls (id, user_id, persona_id, active_user, day, room_id, task_id, started_at, \
             deadline_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&call.id)
        .bind(&call.user_id)
        .bind(&call.persona_id)
        .bind(&call.user_id)
        .bind(&call.day)
        .bind(&call.room_id)
        .bind(&call.task_id)
        .bind(call.started_at)
        .bind(call.deadline_at)
        .bind(call.heartbeat_at)
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    pub async fn call(&self, id: &str) -> sqlx::Result<Option<CallRow>> {
        sqlx::query_as(&format!("{CALL} WHERE id = ?")).bind(id).fetch_optional(self.pool()).await
    }

    pub async fn call_by_room(&self, room_id: &str, task_id: &str) -> sqlx::Result<Option<CallRow>> {
        sqlx::query_as(&format!("{CALL} WHERE room_id = ? AND task_id = ?"))
            .bind(room_id)
            .bind(task_id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn heartbeat(&self, id: &str, now: i64) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE companion_calls SET heartbeat_at = ? WHERE id = ? AND ended_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Running calls past their deadline or without a heartbeat since `silent_since`.
    pub async fn overdue_calls(&self, now: i64, silent_since: i64) -> sqlx::Result<Vec<CallRow>> {
        sqlx::query_as(&format!(
            "{CALL} WHERE ended_at IS NULL AND (deadline_at <= ? OR heartbeat_at <= ?) ORDER BY deadline_at LIMIT 100"
        ))
        .bind(now)
        .bind(silent_since)
        .fetch_all(self.pool())
        .await
    }

    /// Ends a running call and adds its seconds (from start to `now` or `billed_until`,
    /// never past the deadline) to the day's voice usage, in one transaction. `None`
    /// when it had already ended: whoever ends it first accounts it, nobody else.
    pub async fn end_call(
        &self,
        id: &str,
        now: i64,
        billed_until: Option<i64>,
        reason: &str,
    ) -> sqlx::Result<Option<EndedCall>> {
        let mut tx = self.pool().begin().await?;
        // Claim the end first: a write, so that on SQLite a racing end waits for the lock
        // instead of failing to upgrade a read lock.
        let ended = sqlx::query(
            "UPDATE companion_calls SET ended_at = ?, end_reason = ?, active_user = NULL \
             WHERE id = ? AND ended_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if ended.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(None);
        }
        let call: CallRow = sqlx::query_as(&format!("{CALL} WHERE id = ?")).bind(id).fetch_one(&mut *tx).await?;
        let end = now.min(billed_until.unwrap_or(now)).min(call.deadline_at).max(call.started_at);
        let used_secs = (end - call.started_at + 999) / 1000;
        sqlx::query("UPDATE companion_calls SET used_secs = ? WHERE id = ?")
            .bind(used_secs)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let added =
            sqlx::query("UPDATE companion_usage SET used = used + ? WHERE user_id = ? AND day = ? AND kind = 'voice'")
                .bind(used_secs)
                .bind(&call.user_id)
                .bind(&call.day)
                .execute(&mut *tx)
                .await?;
        if added.rows_affected() == 0 {
            sqlx::query("INSERT INTO companion_usage (user_id, day, kind, used) VALUES (?, ?, 'voice', ?)")
                .bind(&call.user_id)
                .bind(&call.day)
                .bind(used_secs)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(EndedCall { used_secs }))
    }

    /// Records a provider callback's event id; false when it was seen before.
    pub async fn first_delivery(&self, event_id: &str, now: i64) -> sqlx::Result<bool> {
        let inserted = sqlx::query("INSERT INTO companion_callback_events (event_id, received_at) VALUES (?, ?)")
            .bind(event_id)
            .bind(now)
            .execute(self.pool())
            .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    pub async fn forget_delivery(&self, event_id: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM companion_callback_events WHERE event_id = ?")
            .bind(event_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
