//! Two-level comments, as on Bilibili or Weibo: top-level comments hold threads, and a
//! reply to a reply stays in the same thread, marked 「回复 @nickname」.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_identity::UserBrief;
use yujie_kernel::{auth::CurrentUser, clock::millis_to_datetime, ids::new_id, safety::Place};

use crate::error::{ContentError, Result};
use crate::{
    cursor::{decode_cursor, into_page},
    domain::{CommentText, ReactionValue},
    moderation::ItemKind,
    safety::Review,
    store::{CommentRow, Counted, CounterDelta},
    Content,
};

/// Replies shown under each top-level comment; the rest are paged.
const PREVIEW_REPLIES: i64 = 3;
const DELETED_TEXT: &str = "该评论已删除";
const REMOVED_TEXT: &str = "该评论已被管理员移除";

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewComment {
    pub text: String,
    /// The comment or reply this answers; absent for a top-level comment.
    pub reply_to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CommentView {
    pub id: String,
    pub post_id: String,
    /// The thread's top-level comment; absent for a top-level comment.
    pub root_id: Option<String>,
    /// The text, or 「该评论已删除」 for a deleted comment that still holds replies.
    pub text: String,
    pub deleted: bool,
    pub author: Option<UserBrief>,
    /// Whom a reply to a reply answers: shown as 「回复 @nickname」.
    pub reply_to: Option<UserBrief>,
    pub like_count: i64,
    pub dislike_count: i64,
    pub reply_count: i64,
    pub my_reaction: Option<ReactionValue>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The first replies of a top-level comment, oldest first.
    #[schema(no_recursion)]
    pub replies: Vec<CommentView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CommentPage {
    pub items: Vec<CommentView>,
    pub next_cursor: Option<String>,
}

impl Content {
    pub async fn add_comment(&self, user: &CurrentUser, post_id: &str, new: &NewComment) -> Result<CommentView> {
        self.visible_post(post_id).await?;
        let id = new_id();
        let mut review = Review::default();
        let text = CommentText::parse(&new.text)?.0;
        let text = self.screen(Place::Comment, "text", text, &user.user_id, &id, &mut review).await?;
        let store = &self.inner.store;
        let (root_id, reply_to_id, reply_to_user_id) = match &new.reply_to {
            None => (None, None, None),
            Some(parent_id) => {
                let parent = store.comment(parent_id).await?;
                let Some(parent) = parent.filter(|parent| parent.post_id == post_id && parent.removed_at.is_none())
                else {
                    return Err(ContentError::invalid("reply_to", "is not a comment of this post"));
                };
                match parent.root_id {
                    // A reply to a reply joins the same thread and names whom it answers.
                    Some(root) => (Some(root), Some(parent.id), Some(parent.author_id)),
                    None => (Some(parent.id.clone()), Some(parent.id), None),
                }
            }
        };
        let now = self.now_ms();
        let row = CommentRow {
            id,
            post_id: post_id.to_owned(),
            root_id,
            reply_to_id,
            reply_to_user_id,
            author_id: user.user_id.clone(),
            body: text,
            like_count: 0,
            dislike_count: 0,
            reply_count: 0,
            hot_rank: 0,
            created_at: now,
            deleted_at: None,
            removed_at: None,
        };
        let mut tx = store.begin().await?;
        store.insert_comment_in(&mut tx, &row).await?;
        store
            .bump_counters(&mut tx, Counted::Post, post_id, CounterDelta { children: 1, ..Default::default() })
            .await?;
        if let Some(root) = &row.root_id {
            store
                .bump_counters(&mut tx, Counted::Comment, root, CounterDelta { children: 1, ..Default::default() })
                .await?;
        }
        tx.commit().await?;
        self.discussions_changed().await;
        let comment_id = row.id.clone();
        let mut views = self.comment_views(vec![row], Some(user), false).await?;
        let view = views.pop().ok_or_else(|| ContentError::NotFound("comment"))?;
        self.hold_if_asked(ItemKind::Comment, &comment_id, review).await?;
        Ok(view)
    }

    pub async fn delete_comment(&self, user: &CurrentUser, comment_id: &str) -> Result<()> {
        let store = &self.inner.store;
        let comment = store
            .comment(comment_id)
            .await?
            .filter(CommentRow::is_live)
            .ok_or_else(|| ContentError::NotFound("comment"))?;
        if comment.author_id != user.user_id {
            return Err(ContentError::NotOwner { owner: "author", action: "deletes a comment" });
        }
        let mut tx = store.begin().await?;
        if !store.delete_comment_in(&mut tx, comment_id, &user.user_id, self.now_ms()).await? {
            tx.rollback().await?;
            return Err(ContentError::NotFound("comment"));
        }
        self.uncount_comment(&mut tx, &comment, -1).await?;
        tx.commit().await?;
        self.discussions_changed().await;
        Ok(())
    }

    /// Moves the post's and thread's counters when a comment leaves (−1) or returns (+1).
    pub(crate) async fn uncount_comment(
        &self,
        conn: &mut sqlx::AnyConnection,
        comment: &CommentRow,
        delta: i64,
    ) -> Result<()> {
        let store = &self.inner.store;
        let children = CounterDelta { children: delta, ..Default::default() };
        store.bump_counters(conn, Counted::Post, &comment.post_id, children).await?;
        if let Some(root) = &comment.root_id {
            store.bump_counters(conn, Counted::Comment, root, children).await?;
        }
        Ok(())
    }

    pub async fn list_comments(
        &self,
        post_id: &str,
        hot: bool,
        cursor: Option<&str>,
        limit: i64,
        viewer: Option<&CurrentUser>,
    ) -> Result<CommentPage> {
        self.visible_post(post_id).await?;
        let after = cursor.map(decode_cursor).transpose()?;
        let rows = self.inner.store.root_comments(post_id, hot, after.as_ref(), limit).await?;
        let (rows, next_cursor) =
            into_page(rows, limit, |last| (if hot { last.hot_rank } else { last.created_at }, last.id.as_str()));
        Ok(CommentPage { items: self.comment_views(rows, viewer, true).await?, next_cursor })
    }

    pub async fn list_replies(
        &self,
        comment_id: &str,
        cursor: Option<&str>,
        limit: i64,
        viewer: Option<&CurrentUser>,
    ) -> Result<CommentPage> {
        let root =
            self.inner.store.comment(comment_id).await?.filter(|c| c.root_id.is_none() && c.removed_at.is_none());
        let root = root.ok_or_else(|| ContentError::NotFound("comment"))?;
        self.visible_post(&root.post_id).await?;
        let after = cursor.map(decode_cursor).transpose()?;
        let rows = self.inner.store.replies(comment_id, after.as_ref(), limit).await?;
        let (rows, next_cursor) = into_page(rows, limit, |last| (last.created_at, last.id.as_str()));
        Ok(CommentPage { items: self.comment_views(rows, viewer, false).await?, next_cursor })
    }

    async fn comment_views(
        &self,
        rows: Vec<CommentRow>,
        viewer: Option<&CurrentUser>,
        with_replies: bool,
    ) -> Result<Vec<CommentView>> {
        let store = &self.inner.store;
        let mut previews: HashMap<String, Vec<CommentRow>> = HashMap::new();
        if with_replies {
            let threads: Vec<String> =
                rows.iter().filter(|row| row.reply_count > 0).map(|row| row.id.clone()).collect();
            for reply in store.reply_previews(&threads, PREVIEW_REPLIES).await? {
                let root = reply.root_id.clone().unwrap_or_default();
                previews.entry(root).or_default().push(reply);
            }
        }
        let all: Vec<&CommentRow> = rows.iter().chain(previews.values().flatten()).collect();
        let mut user_ids: Vec<String> = all.iter().map(|row| row.author_id.clone()).collect();
        user_ids.extend(all.iter().filter_map(|row| row.reply_to_user_id.clone()));
        let authors = self.authors(user_ids).await?;
        let ids: Vec<String> = all.iter().map(|row| row.id.clone()).collect();
        let mine = match viewer {
            Some(viewer) => self.inner.comment_reactions.of(store, &viewer.user_id, &ids).await?,
            None => HashMap::new(),
        };
        let view = |row: &CommentRow, replies: Vec<CommentView>| {
            let gone = !row.is_live();
            CommentView {
                id: row.id.clone(),
                post_id: row.post_id.clone(),
                root_id: row.root_id.clone(),
                text: match (row.removed_at, row.deleted_at) {
                    (Some(_), _) => REMOVED_TEXT.to_owned(),
                    (None, Some(_)) => DELETED_TEXT.to_owned(),
                    (None, None) => row.body.clone(),
                },
                deleted: gone,
                author: if gone { None } else { authors.get(&row.author_id) },
                reply_to: row.reply_to_user_id.as_deref().and_then(|id| authors.get(id)),
                like_count: row.like_count,
                dislike_count: row.dislike_count,
                reply_count: row.reply_count,
                my_reaction: mine.get(&row.id).copied().and_then(ReactionValue::from_stored),
                created_at: millis_to_datetime(row.created_at),
                replies,
            }
        };
        Ok(rows
            .iter()
            .map(|row| {
                let replies = previews
                    .get(&row.id)
                    .map(|replies| replies.iter().map(|reply| view(reply, Vec::new())).collect())
                    .unwrap_or_default();
                view(row, replies)
            })
            .collect())
    }
}
