//! The audit log: every staff action with who, when, what, the target, the reason and
//! the state before and after. Append-only: nothing updates or deletes its rows.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row as _;
use utoipa::{IntoParams, ToSchema};
use yujie_db::Db;

use crate::session::Staff;

/// One action about to be recorded.
pub struct Action<'a> {
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: &'a str,
    pub reason: Option<&'a str>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One staff action.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub reason: Option<String>,
    /// The target's state before the action (JSON), when it has one.
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
}

/// The largest state kept (the column's size, in characters).
const MAX_STATE_CHARS: usize = 6000;

/// A state as stored: whole when it fits, else its first characters, marked as cut.
fn stored_state(state: Value) -> String {
    let text = state.to_string();
    if text.chars().count() <= MAX_STATE_CHARS {
        return text;
    }
    // Quoting can double the length: keep less than half.
    let cut: String = text.chars().take(MAX_STATE_CHARS / 2 - 50).collect();
    serde_json::json!({ "truncated": true, "start": cut }).to_string()
}

pub async fn record(db: &Db, staff: &Staff, action: Action<'_>, now: i64) -> anyhow::Result<()> {
    record_in(db.pool(), staff, action, now).await
}

/// [`record`] on a given connection: in the transaction of the change it records.
pub async fn record_in<'c>(
    executor: impl sqlx::Executor<'c, Database = sqlx::Any>,
    staff: &Staff,
    action: Action<'_>,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO staff_audit (id, actor_id, actor_name, action, target_kind, target_id, reason, before_state, \
         after_state, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(yujie_kernel::ids::new_id())
    .bind(&staff.account_id)
    .bind(&staff.name)
    .bind(action.action)
    .bind(action.target_kind)
    .bind(action.target_id)
    .bind(action.reason)
    .bind(action.before.map(stored_state))
    .bind(action.after.map(stored_state))
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub actor_id: Option<String>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub action: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<String>,
    pub limit: Option<i64>,
}

/// Entries newest first (ids are time-ordered).
pub async fn list(db: &Db, query: &AuditQuery, limit: i64) -> anyhow::Result<Vec<AuditEntry>> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let before = query.before.clone().filter(|before| !before.is_empty()).unwrap_or_else(|| "~".to_owned());
    let rows = sqlx::query(
        "SELECT id, actor_id, actor_name, action, target_kind, target_id, reason, before_state, after_state, \
         occurred_at FROM staff_audit WHERE id < ? AND (? = '' OR actor_id = ?) AND (? = '' OR target_kind = ?) \
         AND (? = '' OR target_id = ?) AND (? = '' OR action = ?) ORDER BY id DESC LIMIT ?",
    )
    .bind(before)
    .bind(text(&query.actor_id))
    .bind(text(&query.actor_id))
    .bind(text(&query.target_kind))
    .bind(text(&query.target_kind))
    .bind(text(&query.target_id))
    .bind(text(&query.target_id))
    .bind(text(&query.action))
    .bind(text(&query.action))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let state = |raw: Option<String>| raw.and_then(|raw| serde_json::from_str(&raw).ok());
    rows.iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.try_get("id")?,
                actor_id: row.try_get("actor_id")?,
                actor_name: row.try_get("actor_name")?,
                action: row.try_get("action")?,
                target_kind: row.try_get("target_kind")?,
                target_id: row.try_get("target_id")?,
                reason: row.try_get("reason")?,
                before: state(row.try_get("before_state")?),
                after: state(row.try_get("after_state")?),
                occurred_at: yujie_kernel::clock::millis_to_datetime(row.try_get("occurred_at")?),
            })
        })
        .collect()
}
