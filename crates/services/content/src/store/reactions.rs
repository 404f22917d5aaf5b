use std::collections::HashMap;

use sqlx::Row as _;
use yujie_db::is_unique_violation;

use super::ContentStore;

/// How a toggle changed a user's reaction: the old and new stored values (0 = none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Toggle {
    pub before: i64,
    pub after: i64,
}

impl ContentStore {
    /// Sets `value` (1 like, −1 dislike) for the user on a target: a first reaction is
    /// added, the other one switches, the same one again is taken back. Within the
    /// caller's write transaction, so the counters move with the row.
    pub async fn toggle_reaction(
        &self,
        conn: &mut sqlx::AnyConnection,
        kind: &str,
        target_id: &str,
        user_id: &str,
        value: i64,
        now: i64,
    ) -> sqlx::Result<Toggle> {
        let inserted = sqlx::query(
            "INSERT INTO reactions (target_kind, target_id, user_id, value, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(kind)
        .bind(target_id)
        .bind(user_id)
        .bind(value)
        .bind(now)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => return Ok(Toggle { before: 0, after: value }),
            Err(error) if is_unique_violation(&error) => {}
            Err(error) => return Err(error),
        }
        let before: i64 =
            sqlx::query("SELECT value FROM reactions WHERE target_kind = ? AND target_id = ? AND user_id = ?")
                .bind(kind)
                .bind(target_id)
                .bind(user_id)
                .fetch_one(&mut *conn)
                .await?
                .try_get("value")?;
        if before == value {
            sqlx::query("DELETE FROM reactions WHERE target_kind = ? AND target_id = ? AND user_id = ?")
                .bind(kind)
                .bind(target_id)
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
            Ok(Toggle { before, after: 0 })
        } else {
            sqlx::query("UPDATE reactions SET value = ?, created_at = ? WHERE target_kind = ? AND target_id = ? AND user_id = ?")
                .bind(value)
                .bind(now)
                .bind(kind)
                .bind(target_id)
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
            Ok(Toggle { before, after: value })
        }
    }

    /// The viewer's reactions on these targets of one kind.
    pub async fn reactions_of(
        &self,
        user_id: &str,
        kind: &str,
        target_ids: &[String],
    ) -> sqlx::Result<HashMap<String, i64>> {
        if target_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT target_id, value FROM reactions WHERE user_id = ? AND target_kind = ? AND target_id IN ({})",
            super::placeholders(target_ids.len())
        );
        let mut query = sqlx::query(&sql).bind(user_id).bind(kind);
        for id in target_ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(|row| Ok((row.try_get("target_id")?, row.try_get("value")?))).collect()
    }
}
