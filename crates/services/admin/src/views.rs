//! What the console API answers and accepts: the schemas of its OpenAPI document, from
//! which the console's TypeScript types are generated. What the peers answer is decoded
//! into these types, so a peer that changes its shape fails loudly here.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use yujie_kernel::auth::UserAuthState;

use crate::audit::AuditEntry;

/// One reported item in the queue, with everything a moderator needs to decide.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QueueEntry {
    /// persona, photo, entry, post or comment.
    pub target_kind: String,
    pub target_id: String,
    pub open_count: i64,
    /// The content as it is now; `null` once deleted or removed.
    #[schema(value_type = Option<Object>)]
    pub content: Option<Value>,
    /// The content as it was first reported.
    #[schema(value_type = Object)]
    pub reported: Value,
    /// `null` when the author's account no longer exists.
    pub author: Option<AuthorHistory>,
    /// Each reason with how many open reports give it.
    pub reasons: BTreeMap<String, i64>,
    /// The open reports, oldest first.
    pub reports: Vec<ReportDetail>,
    pub first_reported_at: DateTime<Utc>,
    pub last_reported_at: DateTime<Utc>,
}

/// The author of a reported item and their record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthorHistory {
    pub id: String,
    pub nickname: String,
    pub avatar_url: Option<String>,
    /// When the account was registered.
    pub created_at: DateTime<Utc>,
    /// Set while banned; `null` with a `ban_reason` would not occur.
    pub banned_until: Option<DateTime<Utc>>,
    pub permanently_banned: bool,
    pub ban_reason: Option<String>,
    /// Their posts and comments removed by staff, now.
    pub removed_items: i64,
    /// Bans staff gave them, ever.
    pub bans: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportDetail {
    pub id: String,
    pub reporter_id: String,
    pub reason: String,
    pub note: Option<String>,
    /// The content as this reporter saw it.
    #[schema(value_type = Object)]
    pub snapshot: Value,
    pub created_at: DateTime<Utc>,
}

/// A queue item as the content service answers it.
#[derive(Deserialize)]
pub struct ReportGroup {
    pub target_kind: String,
    pub target_id: String,
    pub open_count: i64,
    pub content: Option<Value>,
    pub author_id: String,
    pub reasons: BTreeMap<String, i64>,
    pub reports: Vec<ReportDetail>,
    pub first_reported_at: DateTime<Utc>,
    pub last_reported_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only items of this kind: persona, photo, entry, post or comment.
    pub kind: Option<String>,
    /// Only items with an open report for this reason.
    pub reason: Option<String>,
    /// 1 to 200; 50 when absent.
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Nothing wrong: the reports are closed and the item stays.
    Dismiss,
    /// The item is removed (restorable) and the reports are closed.
    Remove,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Dismiss => "dismiss",
            Resolution::Remove => "remove",
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResolutionRequest {
    pub resolution: Resolution,
    /// 1 to 500 characters.
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Resolved {
    /// How many open reports this closed.
    pub reports: i64,
    /// Whether the item was removed by this resolution (false when it already was).
    pub removed: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BanRequest {
    /// 1, 7 or 30 days; absent or null for a permanent ban.
    pub days: Option<u32>,
    /// 1 to 500 characters; the user sees it.
    pub reason: String,
    /// Also remove everything the user wrote, restorable as one batch.
    #[serde(default)]
    pub remove_content: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BanResult {
    /// `null`: permanent.
    pub banned_until: Option<DateTime<Utc>>,
    /// How many items the ban removed, when asked to.
    pub content_removed: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnbanRequest {
    /// 1 to 500 characters.
    pub reason: String,
    /// Also restore the content removed with the ban.
    #[serde(default)]
    pub restore_content: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnbanResult {
    /// How many items came back, when asked to.
    pub content_restored: Option<i64>,
}

/// How many items a batch removal or restore changed, as the content service answers.
#[derive(Deserialize)]
pub struct Changed {
    pub changed: i64,
}

/// A user's account as the identity service keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserSummary {
    pub id: String,
    pub nickname: String,
    pub avatar_url: Option<String>,
    pub is_member: bool,
    pub member_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserMatch {
    pub user: UserSummary,
    pub state: UserAuthState,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserDetail {
    pub user: UserSummary,
    pub state: UserAuthState,
    /// The latest 20 orders.
    pub orders: Vec<OrderSummary>,
    /// `<kind>_<state>` (e.g. `post_visible`, `comment_removed`) and how many.
    pub content_counts: BTreeMap<String, i64>,
    /// Staff actions on this user, newest first.
    pub staff_actions: Vec<AuditEntry>,
}

/// A membership order as billing keeps it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderSummary {
    pub id: String,
    pub out_trade_no: String,
    pub plan_id: String,
    /// wechatpay or alipay.
    pub channel: String,
    pub amount_fen: i64,
    pub period_days: i64,
    /// pending, paid, closed or refunded.
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

/// One of a user's items as the content service lists them.
#[derive(Deserialize)]
pub struct UserItem {
    pub kind: String,
    pub state: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next page; absent on the last one.
    pub next_before: Option<String>,
}

/// A persona's knowledge sync (from the companion) and her style note.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SyncState {
    pub persona_id: String,
    pub name: String,
    /// Empty when none.
    pub style_note: String,
    pub documents: i64,
    pub pending: i64,
    pub failed: i64,
    /// The oldest change the AI's knowledge does not have yet.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    pub last_synced_at: Option<DateTime<Utc>>,
}

/// A reply that got a thumbs-down (点踩), with the reason given.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DislikedReply {
    pub message_id: String,
    pub conversation_id: String,
    pub reply: String,
    pub reason: Option<String>,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StyleNote {
    /// Up to 2000 characters; empty clears it.
    pub style_note: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewWord {
    pub word: String,
    /// deny (the default) or allow.
    pub list: Option<String>,
    /// Deny words: politics, sexual, gambling, advert, abuse or other.
    pub category: Option<String>,
    /// Deny words: block, mask or review.
    pub action: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RemovedWord {
    pub removed: String,
}
