//! Live posts and comments created since a time, oldest first by `(created_at, id)`:
//! the walk of a sensitive-word re-check.

use sqlx::any::AnyRow;

use super::{comments, posts, CommentRow, ContentStore, PostRow};

impl ContentStore {
    pub async fn recent_posts(
        &self,
        since: i64,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<PostRow>> {
        self.recent("posts", posts::COLUMNS, since, after, limit).await
    }

    pub async fn recent_comments(
        &self,
        since: i64,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<CommentRow>> {
        self.recent("comments", comments::COLUMNS, since, after, limit).await
    }

    /// `created_at >= since`, after the cursor, so that each page starts on the index.
    async fn recent<T>(
        &self,
        table: &str,
        columns: &str,
        since: i64,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
    {
        let cursor = match after {
            Some(_) => format!(" AND {table}.created_at >= ? AND ({table}.created_at > ? OR {table}.id > ?)"),
            None => format!(" AND {table}.created_at >= ?"),
        };
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE {table}.deleted_at IS NULL AND {table}.removed_at IS NULL{cursor} \
             ORDER BY {table}.created_at, {table}.id LIMIT ?"
        );
        let mut query = sqlx::query_as(&sql);
        query = match after {
            Some((at, id)) => query.bind(since.max(*at)).bind(*at).bind(id.clone()),
            None => query.bind(since),
        };
        query.bind(limit).fetch_all(self.pool()).await
    }
}
