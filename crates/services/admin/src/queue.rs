//! The report queue: reported items grouped by target, the one waiting longest first,
//! each with its author's record (account age, removals, bans) so a moderator decides
//! on one screen.

use std::collections::HashMap;

use axum::{
    extract::{Query, State},
    Json,
};
use chrono::Datelike as _;
use reqwest::Method;
use sqlx::Row as _;
use yujie_kernel::{auth::UserAuthState, clock::millis_to_datetime, ApiError, ApiResult};

use crate::{
    peers::{decode, encoded},
    roles::Role,
    session::Staff,
    views::{AuthorHistory, QueueEntry, QueueQuery, ReportGroup, UserItem, UserSummary},
    Admin,
};

/// Identity keeps a permanent ban as one ending in the last year of the calendar.
const PERMANENT_YEAR: i32 = 9999;

/// Open reports grouped by the reported item, oldest first.
#[utoipa::path(get, path = "/reports", tag = "moderation", params(QueueQuery), security(("staff_session" = [])),
    responses((status = 200, body = Vec<QueueEntry>)))]
pub async fn queue(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<Vec<QueueEntry>>> {
    staff.require(Role::Moderator)?;
    let mut path = format!("/reports?limit={}", query.limit.unwrap_or(50).clamp(1, 200));
    for (key, value) in [("kind", &query.kind), ("reason", &query.reason)] {
        if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
            path.push_str(&format!("&{key}={}", encoded(value)));
        }
    }
    let groups: Vec<ReportGroup> =
        decode(admin.inner.peers.content(Method::GET, &path, None).await?, "the report queue")?;
    let mut authors: HashMap<String, Option<AuthorHistory>> = HashMap::new();
    let mut entries = Vec::with_capacity(groups.len());
    for group in groups {
        if !authors.contains_key(&group.author_id) {
            authors.insert(group.author_id.clone(), author_history(&admin, &group.author_id).await?);
        }
        let reported = group.reports.first().map(|report| report.snapshot.clone()).unwrap_or_default();
        entries.push(QueueEntry {
            author: authors.get(&group.author_id).cloned().flatten(),
            target_kind: group.target_kind,
            target_id: group.target_id,
            open_count: group.open_count,
            content: group.content,
            reported,
            reasons: group.reasons,
            reports: group.reports,
            first_reported_at: group.first_reported_at,
            last_reported_at: group.last_reported_at,
        });
    }
    Ok(Json(entries))
}

/// `None` when the account no longer exists.
async fn author_history(admin: &Admin, user_id: &str) -> ApiResult<Option<AuthorHistory>> {
    let peers = &admin.inner.peers;
    let user: UserSummary = match peers.identity(Method::GET, &format!("/users/{}", encoded(user_id)), None).await {
        Ok(user) => decode(user, "a user")?,
        Err(error) if error.is_peer_not_found() => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let state: UserAuthState =
        decode(peers.identity(Method::GET, &format!("/users/{}/auth-state", encoded(user_id)), None).await?, "a ban")?;
    let items: Vec<UserItem> =
        decode(peers.content(Method::GET, &format!("/users/{}/content", encoded(user_id)), None).await?, "content")?;
    let now = admin.now_ms();
    let banned_until = state.banned_until.filter(|until| *until > now);
    Ok(Some(AuthorHistory {
        id: user.id,
        nickname: user.nickname,
        avatar_url: user.avatar_url,
        created_at: user.created_at,
        permanently_banned: banned_until.is_some_and(|until| millis_to_datetime(until).year() >= PERMANENT_YEAR),
        banned_until: banned_until.map(millis_to_datetime),
        ban_reason: banned_until.and(state.ban_reason),
        removed_items: items.iter().filter(|item| item.state == "removed").count() as i64,
        bans: bans_given(admin, user_id).await?,
    }))
}

async fn bans_given(admin: &Admin, user_id: &str) -> ApiResult<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS bans FROM staff_audit WHERE target_kind = 'user' AND target_id = ? AND action = 'ban'",
    )
    .bind(user_id)
    .fetch_one(admin.db().pool())
    .await
    .map_err(ApiError::internal)?;
    row.try_get("bans").map_err(ApiError::internal)
}
