//! Moderation by author: list everything a user wrote, or remove (and restore) all of
//! it at once, as staff do with a ban for abuse.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::clock::millis_to_datetime;

use crate::error::Result;
use crate::{moderation::ItemKind, Content};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserItem {
    pub kind: ItemKind,
    pub id: String,
    pub summary: String,
    pub state: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn state(deleted: Option<i64>, removed: Option<i64>) -> String {
    match (removed, deleted) {
        (Some(_), _) => "removed",
        (None, Some(_)) => "deleted",
        (None, None) => "visible",
    }
    .to_owned()
}

impl Content {
    /// A user's posts and comments, newest first, whatever their state.
    pub async fn user_content(&self, user_id: &str) -> Result<Vec<UserItem>> {
        let store = &self.inner.store;
        let mut items: Vec<UserItem> = store
            .posts_by_author(user_id, 200)
            .await?
            .into_iter()
            .map(|post| UserItem {
                kind: ItemKind::Post,
                state: state(post.deleted_at, post.removed_at),
                created_at: millis_to_datetime(post.created_at),
                summary: post.title,
                id: post.id,
            })
            .collect();
        items.extend(store.comments_by_author(user_id, 200).await?.into_iter().map(|comment| UserItem {
            kind: ItemKind::Comment,
            state: state(comment.deleted_at, comment.removed_at),
            created_at: millis_to_datetime(comment.created_at),
            summary: comment.body.chars().take(80).collect(),
            id: comment.id,
        }));
        items.sort_by_key(|item| std::cmp::Reverse(item.created_at));
        Ok(items)
    }

    /// Removes (`reason` given) or restores every post and comment of a user; returns
    /// how many changed. Each goes through the same path as a single removal.
    pub async fn set_user_content_removed(&self, user_id: &str, reason: Option<&str>) -> Result<usize> {
        let mut changed = 0;
        for item in self.user_content(user_id).await? {
            let eligible = if reason.is_some() { item.state == "visible" } else { item.state == "removed" };
            if eligible && self.set_removed(item.kind, &item.id, reason).await? {
                changed += 1;
            }
        }
        Ok(changed)
    }
}
