use super::{personas::set_removed, ContentStore};
use crate::hot::hot_rank;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    pub id: String,
    pub post_id: String,
    /// The top-level comment of the thread; `None` for a top-level comment itself.
    pub root_id: Option<String>,
    pub reply_to_id: Option<String>,
    pub reply_to_user_id: Option<String>,
    pub author_id: String,
    pub body: String,
    pub like_count: i64,
    pub dislike_count: i64,
    pub reply_count: i64,
    pub hot_rank: i64,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub removed_at: Option<i64>,
}

impl CommentRow {
    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none() && self.removed_at.is_none()
    }
}

pub(super) const COLUMNS: &str =
    "id, post_id, root_id, reply_to_id, reply_to_user_id, author_id, body, like_count, dislike_count, \
    reply_count, hot_rank, created_at, deleted_at, removed_at";

/// Top-level comments shown: live ones, and gone ones that still hold replies (shown as
/// a placeholder so the thread keeps its place).
const SHOWN_ROOTS: &str = "root_id IS NULL AND ((deleted_at IS NULL AND removed_at IS NULL) OR reply_count > 0)";

impl ContentStore {
    pub async fn comment(&self, id: &str) -> sqlx::Result<Option<CommentRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM comments WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// A page of a post's threads by `hot_rank` or `created_at`, `limit + 1` rows.
    pub async fn root_comments(
        &self,
        post_id: &str,
        hot: bool,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<CommentRow>> {
        let key = if hot { "hot_rank" } else { "created_at" };
        let page = if after.is_some() { format!(" AND ({key} < ? OR ({key} = ? AND id < ?))") } else { String::new() };
        let sql = format!(
            "SELECT {COLUMNS} FROM comments WHERE post_id = ? AND {SHOWN_ROOTS}{page} ORDER BY {key} DESC, id DESC LIMIT ?"
        );
        let mut query = sqlx::query_as(&sql).bind(post_id);
        if let Some((value, id)) = after {
            query = query.bind(*value).bind(*value).bind(id.clone());
        }
        query.bind(limit + 1).fetch_all(self.pool()).await
    }

    /// Live replies of a thread, oldest first, after `(created_at, id)`.
    pub async fn replies(
        &self,
        root_id: &str,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<CommentRow>> {
        let page = if after.is_some() { " AND (created_at > ? OR (created_at = ? AND id > ?))" } else { "" };
        let sql = format!(
            "SELECT {COLUMNS} FROM comments WHERE root_id = ? AND deleted_at IS NULL AND removed_at IS NULL{page} \
             ORDER BY created_at, id LIMIT ?"
        );
        let mut query = sqlx::query_as(&sql).bind(root_id);
        if let Some((value, id)) = after {
            query = query.bind(*value).bind(*value).bind(id.clone());
        }
        query.bind(limit + 1).fetch_all(self.pool()).await
    }

    /// The first `per_thread` live replies of each thread, oldest first, in one query
    /// (not one per thread).
    pub async fn reply_previews(&self, root_ids: &[String], per_thread: i64) -> sqlx::Result<Vec<CommentRow>> {
        if root_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM (SELECT {COLUMNS}, ROW_NUMBER() OVER (PARTITION BY root_id ORDER BY created_at, id) \
             AS position FROM comments WHERE root_id IN ({}) AND deleted_at IS NULL AND removed_at IS NULL) ranked \
             WHERE position <= ? ORDER BY root_id, created_at, id",
            yujie_db::placeholders(root_ids.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in root_ids {
            query = query.bind(id);
        }
        query.bind(per_thread).fetch_all(self.pool()).await
    }

    pub async fn insert_comment_in(&self, conn: &mut sqlx::AnyConnection, row: &CommentRow) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO comments (id, post_id, root_id, reply_to_id, reply_to_user_id, author_id, body, like_count, \
             dislike_count, reply_count, hot_rank, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)",
        )
        .bind(&row.id)
        .bind(&row.post_id)
        .bind(&row.root_id)
        .bind(&row.reply_to_id)
        .bind(&row.reply_to_user_id)
        .bind(&row.author_id)
        .bind(&row.body)
        .bind(hot_rank(0, row.created_at))
        .bind(row.created_at)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub async fn delete_comment_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        id: &str,
        author_id: &str,
        now: i64,
    ) -> sqlx::Result<bool> {
        let deleted = sqlx::query(
            "UPDATE comments SET deleted_at = ? WHERE id = ? AND author_id = ? AND deleted_at IS NULL AND removed_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(author_id)
        .execute(&mut *conn)
        .await?;
        Ok(deleted.rows_affected() == 1)
    }

    pub async fn set_comment_removed(
        &self,
        conn: &mut sqlx::AnyConnection,
        id: &str,
        removal: Option<(&str, i64)>,
    ) -> sqlx::Result<bool> {
        set_removed(conn, "comments", id, removal).await
    }

    pub async fn comments_by_author(&self, author_id: &str, limit: i64) -> sqlx::Result<Vec<CommentRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM comments WHERE author_id = ? ORDER BY created_at DESC LIMIT ?"))
            .bind(author_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await
    }
}
