//! The change log (an outbox): every change to a persona item or post, numbered without
//! gaps in commit order, in the same transaction as the change. The companion reads it
//! to keep the AI's knowledge in sync.

use sqlx::{Any, AnyPool, Row as _, Transaction};

use super::ChangeTx;
use crate::moderation::ItemKind;

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Created,
    Updated,
    Deleted,
    /// Hidden by staff.
    Removed,
    /// Shown again by staff.
    Restored,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Created => "created",
            ChangeAction::Updated => "updated",
            ChangeAction::Deleted => "deleted",
            ChangeAction::Removed => "removed",
            ChangeAction::Restored => "restored",
        }
    }
}

/// One change to append: which item, what happened, and the item as it now is.
pub struct Change<'a> {
    pub kind: ItemKind,
    pub action: ChangeAction,
    pub persona_id: &'a str,
    pub item_id: &'a str,
    pub payload: serde_json::Value,
}

impl<'a> Change<'a> {
    pub fn new(
        kind: ItemKind,
        action: ChangeAction,
        persona_id: &'a str,
        item_id: &'a str,
        payload: serde_json::Value,
    ) -> Self {
        Self { kind, action, persona_id, item_id, payload }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeRow {
    pub seq: i64,
    pub persona_id: String,
    pub item_kind: String,
    pub item_id: String,
    pub action: String,
    pub payload: String,
    pub occurred_at: i64,
}

pub(super) async fn begin(pool: &AnyPool) -> sqlx::Result<ChangeTx> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE content_feed_counter SET value = value + 1 WHERE id = 1").execute(&mut *tx).await?;
    let seq: i64 = sqlx::query("SELECT value FROM content_feed_counter WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?
        .try_get("value")?;
    Ok(ChangeTx { tx, seq })
}

pub(super) async fn append(
    tx: &mut Transaction<'static, Any>,
    seq: i64,
    change: &Change<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO content_changes (seq, persona_id, item_kind, item_id, action, payload, occurred_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(change.persona_id)
    .bind(change.kind.as_str())
    .bind(change.item_id)
    .bind(change.action.as_str())
    .bind(change.payload.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl super::ContentStore {
    /// Logged changes after `after`, in order.
    pub async fn changes_after(&self, after: i64, limit: i64) -> sqlx::Result<Vec<ChangeRow>> {
        sqlx::query_as(
            "SELECT seq, persona_id, item_kind, item_id, action, payload, occurred_at FROM content_changes \
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }
}
