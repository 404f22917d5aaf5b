use super::{personas::set_removed, ChangeTx, ContentStore};
use crate::hot::hot_rank;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PostRow {
    pub id: String,
    pub persona_id: String,
    pub author_id: String,
    pub title: String,
    pub body: String,
    pub event_date: Option<String>,
    /// A JSON array of stored images.
    pub images: String,
    pub like_count: i64,
    pub dislike_count: i64,
    pub comment_count: i64,
    pub hot_rank: i64,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub removed_at: Option<i64>,
}

pub(super) const COLUMNS: &str =
    "posts.id, posts.persona_id, posts.author_id, posts.title, posts.body, posts.event_date, posts.images, \
    posts.like_count, posts.dislike_count, posts.comment_count, posts.hot_rank, posts.created_at, posts.edited_at, \
    posts.deleted_at, posts.removed_at";

/// Posts shown publicly: not deleted, not removed, about a live persona.
const VISIBLE: &str = "posts.deleted_at IS NULL AND posts.removed_at IS NULL AND personas.removed_at IS NULL";

/// How a post list is ordered; clients name it in `?sort=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FeedSort {
    /// Newest first.
    #[default]
    New,
    /// By a stored, time-decayed score of reactions and comments.
    Hot,
}

/// Which posts a feed holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedScope {
    /// Everyone's.
    Global,
    /// One persona's (bound first).
    Persona,
    /// One author's (bound first); sorted by new only (`posts_author_new`).
    Author,
}

/// The SQL of a feed page. `posts` is the only table in `FROM`, so both databases walk
/// the sort index (`posts_new`, `posts_hot`, the persona's `posts_persona_*` or the
/// author's `posts_author_new`) in order and stop after the page; a removed persona is
/// checked per row by primary key. (With a join, MariaDB drove from `personas` and
/// sorted every post in a temporary table: ~400 ms a page at 100k posts.)
pub fn feed_sql(scope: FeedScope, sort: FeedSort, after_cursor: bool) -> String {
    let key = match sort {
        FeedSort::New => "posts.created_at",
        FeedSort::Hot => "posts.hot_rank",
    };
    let mut sql = format!(
        "SELECT {COLUMNS} FROM posts WHERE posts.deleted_at IS NULL AND posts.removed_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM personas WHERE personas.id = posts.persona_id AND personas.removed_at IS NOT NULL)"
    );
    match scope {
        FeedScope::Global => {}
        FeedScope::Persona => sql.push_str(" AND posts.persona_id = ?"),
        FeedScope::Author => sql.push_str(" AND posts.author_id = ?"),
    }
    if after_cursor {
        // `key <= ?` first, so that both databases start the index walk at the cursor.
        sql.push_str(&format!(" AND {key} <= ? AND ({key} < ? OR posts.id < ?)"));
    }
    sql.push_str(&format!(" ORDER BY {key} DESC, posts.id DESC LIMIT ?"));
    sql
}

impl ContentStore {
    pub async fn post(&self, id: &str) -> sqlx::Result<Option<PostRow>> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM posts WHERE posts.id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// A visible post, with its persona live.
    pub async fn visible_post(&self, id: &str) -> sqlx::Result<Option<PostRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM posts JOIN personas ON personas.id = posts.persona_id WHERE posts.id = ? AND {VISIBLE}"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    /// One page of a feed, `limit + 1` rows; `scoped_to` is the persona's or the
    /// author's id. The cursor is the last row's (sort key, id): keyset pages stay
    /// correct while new posts arrive.
    pub async fn feed(
        &self,
        scope: FeedScope,
        scoped_to: Option<&str>,
        sort: FeedSort,
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<PostRow>> {
        let sql = feed_sql(scope, sort, after.is_some());
        let mut query = sqlx::query_as(&sql);
        if let Some(id) = scoped_to {
            query = query.bind(id);
        }
        if let Some((value, id)) = after {
            query = query.bind(*value).bind(*value).bind(id.clone());
        }
        query.bind(limit + 1).fetch_all(self.pool()).await
    }

    pub async fn insert_post(&self, tx: &mut ChangeTx, row: &PostRow) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO posts (id, persona_id, author_id, title, body, event_date, images, like_count, dislike_count, \
             comment_count, hot_rank, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)",
        )
        .bind(&row.id)
        .bind(&row.persona_id)
        .bind(&row.author_id)
        .bind(&row.title)
        .bind(&row.body)
        .bind(&row.event_date)
        .bind(&row.images)
        .bind(hot_rank(0, row.created_at))
        .bind(row.created_at)
        .execute(tx.conn())
        .await?;
        Ok(())
    }

    /// Edits a visible post of `author_id`, marking it edited.
    pub async fn edit_post(&self, tx: &mut ChangeTx, row: &PostRow, now: i64) -> sqlx::Result<bool> {
        let updated = sqlx::query(
            "UPDATE posts SET title = ?, body = ?, event_date = ?, edited_at = ? \
             WHERE id = ? AND author_id = ? AND deleted_at IS NULL AND removed_at IS NULL",
        )
        .bind(&row.title)
        .bind(&row.body)
        .bind(&row.event_date)
        .bind(now)
        .bind(&row.id)
        .bind(&row.author_id)
        .execute(tx.conn())
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    pub async fn delete_post(&self, tx: &mut ChangeTx, id: &str, author_id: &str, now: i64) -> sqlx::Result<bool> {
        let deleted =
            sqlx::query("UPDATE posts SET deleted_at = ? WHERE id = ? AND author_id = ? AND deleted_at IS NULL")
                .bind(now)
                .bind(id)
                .bind(author_id)
                .execute(tx.conn())
                .await?;
        Ok(deleted.rows_affected() == 1)
    }

    pub async fn set_post_removed(
        &self,
        tx: &mut ChangeTx,
        id: &str,
        removal: Option<(&str, i64)>,
    ) -> sqlx::Result<bool> {
        set_removed(tx.conn(), "posts", id, removal).await
    }

    /// A user's posts, newest first, whatever their state (for staff).
    pub async fn posts_by_author(&self, author_id: &str, limit: i64) -> sqlx::Result<Vec<PostRow>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM posts WHERE posts.author_id = ? ORDER BY posts.created_at DESC LIMIT ?"
        ))
        .bind(author_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }
}
