//! Staff removal and restore of persona items, and the change feed the companion reads.
//! Reports (part 2) point at the same `(kind, id)` pairs.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_kernel::{clock::millis_to_datetime, ApiError};

use crate::error::{ContentError, Result};
use crate::{
    posts::post_payload,
    store::{Change, ChangeAction, CommentRow, ENTRY_WEIGHT, PHOTO_WEIGHT, POST_WEIGHT},
    Content,
};

/// A moderatable, reportable content item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Persona,
    Photo,
    Entry,
    Post,
    Comment,
}

impl ItemKind {
    pub fn parse(raw: &str) -> Result<Self> {
        match raw {
            "persona" => Ok(ItemKind::Persona),
            "photo" => Ok(ItemKind::Photo),
            "entry" => Ok(ItemKind::Entry),
            "post" => Ok(ItemKind::Post),
            "comment" => Ok(ItemKind::Comment),
            _ => Err(ContentError::invalid("kind", "must be persona, photo, entry, post or comment")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Persona => "persona",
            ItemKind::Photo => "photo",
            ItemKind::Entry => "entry",
            ItemKind::Post => "post",
            ItemKind::Comment => "comment",
        }
    }
}

/// One change, as the feed serves it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedEntry {
    pub seq: i64,
    pub persona_id: String,
    pub item_kind: String,
    pub item_id: String,
    /// created, updated, deleted, removed or restored.
    pub action: String,
    /// The item as it is after the change (its last state for deletions).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangePage {
    pub changes: Vec<FeedEntry>,
    /// Pass as `after` to continue; equals the request's `after` when nothing is new.
    pub next_after: i64,
}

impl Content {
    /// Removes (`reason` given) or restores an item; `false` if it was already so.
    pub async fn set_removed(&self, kind: ItemKind, id: &str, reason: Option<&str>) -> Result<bool> {
        if kind == ItemKind::Comment {
            return self.set_comment_removed(id, reason).await;
        }
        let store = &self.inner.store;
        let (persona_id, weight) = match kind {
            ItemKind::Post => {
                (store.post(id).await?.ok_or_else(|| ContentError::NotFound("post"))?.persona_id, POST_WEIGHT)
            }
            ItemKind::Comment => return Err(ContentError::NotFound("comment")),
            ItemKind::Persona => (store.persona(id).await?.ok_or_else(|| ContentError::NotFound("persona"))?.id, 0),
            ItemKind::Photo => {
                (store.photo(id).await?.ok_or_else(|| ContentError::NotFound("photo"))?.persona_id, PHOTO_WEIGHT)
            }
            ItemKind::Entry => {
                (store.entry(id).await?.ok_or_else(|| ContentError::NotFound("entry"))?.persona_id, ENTRY_WEIGHT)
            }
        };
        let now = self.now_ms();
        let removal = reason.map(|reason| (reason, now));
        let mut tx = store.begin_change().await?;
        let changed = match kind {
            ItemKind::Persona => store.set_persona_removed(&mut tx, id, removal).await?,
            ItemKind::Photo => store.set_photo_removed(&mut tx, id, removal).await?,
            ItemKind::Entry => store.set_entry_removed(&mut tx, id, removal).await?,
            ItemKind::Post => store.set_post_removed(&mut tx, id, removal).await?,
            ItemKind::Comment => false,
        };
        if !changed {
            tx.rollback().await?;
            return Ok(false);
        }
        if weight != 0 {
            store.bump_popularity(&mut tx, &persona_id, if reason.is_some() { -weight } else { weight }).await?;
        }
        let action = if reason.is_some() { ChangeAction::Removed } else { ChangeAction::Restored };
        let mut payload = serde_json::json!({ "reason": reason });
        if let (ItemKind::Post, Some(post)) = (kind, store.post(id).await?) {
            payload = post_payload(&post);
            payload["reason"] = serde_json::json!(reason);
        }
        tx.commit(Change::new(kind, action, &persona_id, id, payload), now).await?;
        if matches!(kind, ItemKind::Post | ItemKind::Persona) {
            self.feeds_changed().await;
        }
        tracing::info!(kind = kind.as_str(), id, action = action.as_str(), "content moderated");
        Ok(true)
    }

    /// Comments are not in the change feed; their removal moves the counters only
    /// when the comment was live (a deleted one was already uncounted).
    async fn set_comment_removed(&self, id: &str, reason: Option<&str>) -> Result<bool> {
        let store = &self.inner.store;
        let comment = store.comment(id).await?.ok_or_else(|| ContentError::NotFound("comment"))?;
        let mut tx = store.begin().await?;
        if !store.set_comment_removed(&mut tx, id, reason.map(|reason| (reason, self.now_ms()))).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        if comment.deleted_at.is_none() {
            self.uncount_comment(&mut tx, &comment, if reason.is_some() { -1 } else { 1 }).await?;
        }
        tx.commit().await?;
        self.discussions_changed().await;
        Ok(true)
    }

    /// The item's author and its content now, if it is visible to the public.
    pub async fn item_snapshot(&self, kind: ItemKind, id: &str) -> Result<Option<(String, serde_json::Value)>> {
        let store = &self.inner.store;
        Ok(match kind {
            ItemKind::Persona => store
                .persona(id)
                .await?
                .filter(|persona| persona.removed_at.is_none())
                .map(|persona| {
                    Ok::<_, ApiError>((persona.creator_id.clone(), crate::personas::persona_payload(&persona)?))
                })
                .transpose()?,
            ItemKind::Photo => match store.photo(id).await?.filter(|photo| photo.removed_at.is_none()) {
                Some(photo) => {
                    let urls = self.photo_urls(&photo).await?;
                    Some((photo.author_id.clone(), serde_json::json!({ "persona_id": photo.persona_id, "urls": urls })))
                }
                None => None,
            },
            ItemKind::Entry => store
                .entry(id)
                .await?
                .filter(|entry| entry.removed_at.is_none())
                .map(|entry| (entry.author_id.clone(), crate::views::entry_snapshot(&entry))),
            ItemKind::Post => store
                .visible_post(id)
                .await?
                .map(|post| {
                    let mut snapshot = post_payload(&post);
                    snapshot["persona_id"] = serde_json::json!(post.persona_id);
                    snapshot["images"] = ApiError::decode_stored("posts.images", &post.images)?;
                    Ok::<_, ApiError>((post.author_id.clone(), snapshot))
                })
                .transpose()?,
            ItemKind::Comment => store.comment(id).await?.filter(CommentRow::is_live).map(|comment| {
                (comment.author_id.clone(), serde_json::json!({ "post_id": comment.post_id, "text": comment.body }))
            }),
        })
    }

    pub async fn change_page(&self, after: i64, limit: i64) -> Result<ChangePage> {
        let rows = self.inner.store.changes_after(after, limit.clamp(1, 1000)).await?;
        let next_after = rows.last().map_or(after, |row| row.seq);
        let changes = rows
            .into_iter()
            .map(|row| {
                Ok(FeedEntry {
                    seq: row.seq,
                    persona_id: row.persona_id,
                    item_kind: row.item_kind,
                    item_id: row.item_id,
                    action: row.action,
                    payload: ApiError::decode_stored("change_log.payload", &row.payload)?,
                    occurred_at: millis_to_datetime(row.occurred_at),
                })
            })
            .collect::<Result<_>>()?;
        Ok(ChangePage { changes, next_after })
    }
}
