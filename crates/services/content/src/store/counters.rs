//! The counters of a post or a comment (likes, dislikes, and comments or replies) and
//! the hot rank computed from them, moved in the caller's transaction.

use sqlx::Row as _;

use super::ContentStore;
use crate::hot::hot_rank;

/// What has counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Children are comments; a comment weighs two reactions in the hot rank.
    Post,
    /// Children are replies; a reply weighs one reaction.
    Comment,
}

/// How much each counter moves.
#[derive(Debug, Clone, Copy, Default)]
pub struct CounterDelta {
    pub likes: i64,
    pub dislikes: i64,
    pub children: i64,
}

impl Counted {
    fn table_and_children(self) -> (&'static str, &'static str) {
        match self {
            Counted::Post => ("posts", "comment_count"),
            Counted::Comment => ("comments", "reply_count"),
        }
    }

    /// The score the hot rank decays.
    pub fn score(self, likes: i64, dislikes: i64, children: i64) -> i64 {
        let weight = if self == Counted::Post { 2 } else { 1 };
        likes - dislikes + weight * children
    }
}

impl ContentStore {
    /// Moves the counters of one post or comment and recomputes its hot rank.
    pub async fn bump_counters(
        &self,
        conn: &mut sqlx::AnyConnection,
        target: Counted,
        id: &str,
        delta: CounterDelta,
    ) -> sqlx::Result<()> {
        let (table, children) = target.table_and_children();
        sqlx::query(&format!(
            "UPDATE {table} SET like_count = like_count + ?, dislike_count = dislike_count + ?, \
             {children} = {children} + ? WHERE id = ?"
        ))
        .bind(delta.likes)
        .bind(delta.dislikes)
        .bind(delta.children)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT like_count, dislike_count, {children} AS children, created_at FROM {table} WHERE id = ?"
        ))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        let score = target.score(row.try_get("like_count")?, row.try_get("dislike_count")?, row.try_get("children")?);
        let rank = hot_rank(score, row.try_get("created_at")?);
        sqlx::query(&format!("UPDATE {table} SET hot_rank = ? WHERE id = ?"))
            .bind(rank)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}
