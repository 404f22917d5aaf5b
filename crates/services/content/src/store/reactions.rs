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
    /// Takes the write lock of the target's row, first thing in a reaction transaction:
    /// every toggle on one target then runs one after another, so neither reads a stale
    /// reaction nor deadlocks on the reaction row (InnoDB's shared lock on a duplicate
    /// key would otherwise meet the other transaction's).
    pub async fn lock_reaction_target(
        &self,
        conn: &mut sqlx::AnyConnection,
        kind: &str,
        target_id: &str,
    ) -> sqlx::Result<bool> {
        let table = if kind == "post" { "posts" } else { "comments" };
        let locked = sqlx::query(&format!("UPDATE {table} SET like_count = like_count WHERE id = ?"))
            .bind(target_id)
            .execute(&mut *conn)
            .await?;
        Ok(locked.rows_affected() == 1)
    }

    /// Sets `value` (1 like, −1 dislike) for the user on a target: a first reaction is
    /// added, the other one switches, the same one again is taken back. Within the
    /// caller's write transaction, after [`ContentStore::lock_reaction_target`], so the
    /// counters move with the row.
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
        let (changed, toggle) = if before == value {
            let deleted = sqlx::query("DELETE FROM reactions WHERE target_kind = ? AND target_id = ? AND user_id = ?")
                .bind(kind)
                .bind(target_id)
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
            (deleted.rows_affected(), Toggle { before, after: 0 })
        } else {
            let updated = sqlx::query(
                "UPDATE reactions SET value = ?, created_at = ? WHERE target_kind = ? AND target_id = ? AND user_id = ?",
            )
            .bind(value)
            .bind(now)
            .bind(kind)
            .bind(target_id)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
            (updated.rows_affected(), Toggle { before, after: value })
        };
        // The caller holds the target's lock, so the row cannot have moved; if it did,
        // the counters would drift, so the transaction fails instead.
        if changed != 1 {
            return Err(sqlx::Error::Protocol(format!("reaction row changed under the target lock ({changed} rows)")));
        }
        Ok(toggle)
    }

    /// These users' reactions to these targets of one kind: (user id, target id, stored
    /// value). Neither list is empty.
    ///
    /// One range per user over the ids the targets span (`reactions_by_user`) reads only
    /// what the users reacted to in that span, usually a handful of rows: on MariaDB it
    /// costs a third of asking for each (target, user) pair, whose optimizer plans every
    /// pair as a range of its own. A user who reacted to more than
    /// [`SPAN_ROWS_PER_USER`] targets on average in the span makes the batch ask for
    /// the pairs instead, so no lookup reads an unbounded number of rows.
    pub async fn reactions_of_users(
        &self,
        kind: &str,
        user_ids: &[&str],
        target_ids: &[&str],
    ) -> sqlx::Result<Vec<(String, String, i64)>> {
        let (Some(low), Some(high)) = (target_ids.iter().min(), target_ids.iter().max()) else {
            return Ok(Vec::new());
        };
        let most = SPAN_ROWS_PER_USER * user_ids.len();
        let span_sql = users_span_sql(user_ids.len());
        let mut query = sqlx::query(&span_sql);
        for user_id in user_ids {
            query = query.bind(*user_id);
        }
        let rows = query.bind(kind).bind(*low).bind(*high).bind(i64::try_from(most).unwrap_or(i64::MAX));
        let rows = rows.fetch_all(self.pool()).await?;
        if rows.len() < most {
            let wanted: std::collections::HashSet<&str> = target_ids.iter().copied().collect();
            let mut found = Vec::new();
            for row in &rows {
                let target_id: String = row.try_get("target_id")?;
                if wanted.contains(target_id.as_str()) {
                    found.push((row.try_get("user_id")?, target_id, row.try_get("value")?));
                }
            }
            return Ok(found);
        }
        let pairs_sql = users_reactions_sql(user_ids.len(), target_ids.len());
        let mut query = sqlx::query(&pairs_sql).bind(kind);
        for target_id in target_ids {
            query = query.bind(*target_id);
        }
        for user_id in user_ids {
            query = query.bind(*user_id);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(|row| Ok((row.try_get("user_id")?, row.try_get("target_id")?, row.try_get("value")?))).collect()
    }
}

/// Rows a span lookup reads per user, at most, before it asks for the pairs instead.
pub(crate) const SPAN_ROWS_PER_USER: usize = 200;

/// `users` user ids, then the kind, the lowest and highest target id, and the row limit:
/// one range of `reactions_by_user` per user.
pub(super) fn users_span_sql(users: usize) -> String {
    format!(
        "SELECT user_id, target_id, value FROM reactions WHERE user_id IN ({}) AND target_kind = ? \
         AND target_id BETWEEN ? AND ? LIMIT ?",
        yujie_db::placeholders(users)
    )
}

/// Kind, then `targets` target ids, then `users` user ids: both databases walk the
/// primary key (kind, target, user) to exactly the pairs asked for.
pub(super) fn users_reactions_sql(users: usize, targets: usize) -> String {
    format!(
        "SELECT user_id, target_id, value FROM reactions WHERE target_kind = ? AND target_id IN ({}) AND user_id IN ({})",
        yujie_db::placeholders(targets),
        yujie_db::placeholders(users)
    )
}
