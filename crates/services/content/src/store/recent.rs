//! Live posts and comments created since a time, oldest first by `(created_at, id)`:
//! the walk of a sensitive-word re-check.

use super::{comments, posts, CommentRow, ContentStore, PostRow};

/// `created_at >= since`, after the cursor, so that each page starts on the index.
fn after_clause(table: &str, after: Option<&(i64, String)>) -> String {
    match after {
        Some(_) => format!(" AND {table}.created_at >= ? AND ({table}.created_at > ? OR {table}.id > ?)"),
        None => format!(" AND {table}.created_at >= ?"),
    }
}

impl ContentStore {
    pub async fn recent_posts(
        &self,
        since: i64,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<PostRow>> {
        let sql = format!(
            "SELECT {} FROM posts WHERE posts.deleted_at IS NULL AND posts.removed_at IS NULL{} \
             ORDER BY posts.created_at, posts.id LIMIT ?",
            posts::COLUMNS,
            after_clause("posts", after)
        );
        let mut query = sqlx::query_as(&sql);
        query = match after {
            Some((at, id)) => query.bind(since.max(*at)).bind(*at).bind(id.clone()),
            None => query.bind(since),
        };
        query.bind(limit).fetch_all(self.pool()).await
    }

    pub async fn recent_comments(
        &self,
        since: i64,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<CommentRow>> {
        let sql = format!(
            "SELECT {} FROM comments WHERE comments.deleted_at IS NULL AND comments.removed_at IS NULL{} \
             ORDER BY comments.created_at, comments.id LIMIT ?",
            comments::COLUMNS,
            after_clause("comments", after)
        );
        let mut query = sqlx::query_as(&sql);
        query = match after {
            Some((at, id)) => query.bind(since.max(*at)).bind(*at).bind(id.clone()),
            None => query.bind(since),
        };
        query.bind(limit).fetch_all(self.pool()).await
    }
}
