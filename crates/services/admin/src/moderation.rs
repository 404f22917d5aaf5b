//! The report queue and the actions on it: dismiss and remove (moderators), ban and
//! unban (admins). Each action is audited with its reason and the state before and
//! after; content and identity do the work through their internal APIs.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use yujie_kernel::{
    http::ApiJson,
    text::{user_text, TextKind},
    ApiError, ApiResult,
};

use crate::{
    audit::{self, Action, AuditEntry, AuditQuery},
    roles::Role,
    session::Staff,
    Admin,
};

fn reason(raw: &str) -> ApiResult<String> {
    user_text("reason", raw, 1, 500, TextKind::Multiline)
}

#[derive(Deserialize)]
pub struct QueueQuery {
    limit: Option<i64>,
}

/// Reported items, most reported first, with the content as reported and as it is now.
pub async fn queue(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    Ok(Json(admin.inner.peers.content(Method::GET, &format!("/reports?limit={limit}"), None).await?))
}

#[derive(Deserialize)]
pub struct ResolutionBody {
    resolution: String,
    reason: String,
}

/// Dismisses the reports on an item, or removes it (restorable); either resolves all of
/// its open reports. Of two moderators acting at once, one gets a 409.
pub async fn resolve(
    State(admin): State<Admin>,
    staff: Staff,
    Path((kind, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ResolutionBody>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    if !matches!(body.resolution.as_str(), "dismiss" | "remove") {
        return Err(ApiError::invalid_field("resolution", "must be dismiss or remove"));
    }
    let reason = reason(&body.reason)?;
    let request = json!({ "resolution": body.resolution, "reason": reason });
    let path = format!("/reports/{kind}/{id}/resolution");
    let resolved = admin.inner.peers.content(Method::POST, &path, Some(&request)).await?;
    let action = Action {
        action: &body.resolution,
        target_kind: &kind,
        target_id: &id,
        reason: Some(&reason),
        before: Some(json!({ "reports": "open" })),
        after: Some(json!({ "reports": "resolved", "resolved": resolved["reports"], "removed": resolved["removed"] })),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(resolved))
}

#[derive(Deserialize)]
pub struct BanBody {
    /// 1, 7 or 30; absent or null: permanent.
    days: Option<u32>,
    reason: String,
    /// Also remove everything the user wrote, restorable as one batch.
    #[serde(default)]
    remove_content: bool,
}

pub async fn ban(
    State(admin): State<Admin>,
    staff: Staff,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<BanBody>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Admin)?;
    if body.days.is_some_and(|days| ![1, 7, 30].contains(&days)) {
        return Err(ApiError::invalid_field("days", "must be 1, 7 or 30, or absent for a permanent ban"));
    }
    let reason = reason(&body.reason)?;
    let peers = &admin.inner.peers;
    let before = peers.identity(Method::GET, &format!("/users/{user_id}/auth-state"), None).await?;
    let until = body.days.map(|days| admin.inner.platform.clock.now() + chrono::Duration::days(i64::from(days)));
    let request = json!({ "until": until, "reason": reason });
    peers.identity(Method::PUT, &format!("/users/{user_id}/ban"), Some(&request)).await?;
    let removed = if body.remove_content {
        let removal = json!({ "reason": reason });
        peers.content(Method::PUT, &format!("/users/{user_id}/removal"), Some(&removal)).await?["changed"].clone()
    } else {
        Value::Null
    };
    let after = peers.identity(Method::GET, &format!("/users/{user_id}/auth-state"), None).await?;
    let action = Action {
        action: "ban",
        target_kind: "user",
        target_id: &user_id,
        reason: Some(&reason),
        before: Some(before),
        after: Some(json!({ "state": after, "content_removed": removed })),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(json!({ "banned_until": until, "content_removed": removed })))
}

#[derive(Deserialize)]
pub struct UnbanBody {
    reason: String,
    /// Also restore the content removed with the ban.
    #[serde(default)]
    restore_content: bool,
}

pub async fn unban(
    State(admin): State<Admin>,
    staff: Staff,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<UnbanBody>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Admin)?;
    let reason = reason(&body.reason)?;
    let peers = &admin.inner.peers;
    let before = peers.identity(Method::GET, &format!("/users/{user_id}/auth-state"), None).await?;
    peers.identity(Method::DELETE, &format!("/users/{user_id}/ban"), None).await?;
    let restored = if body.restore_content {
        peers.content(Method::DELETE, &format!("/users/{user_id}/removal"), None).await?["changed"].clone()
    } else {
        Value::Null
    };
    let after = peers.identity(Method::GET, &format!("/users/{user_id}/auth-state"), None).await?;
    let action = Action {
        action: "unban",
        target_kind: "user",
        target_id: &user_id,
        reason: Some(&reason),
        before: Some(before),
        after: Some(json!({ "state": after, "content_restored": restored })),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(json!({ "content_restored": restored })))
}

/// The audit log, newest first, filtered and paged by `before`.
pub async fn audit_log(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let items: Vec<AuditEntry> = audit::list(admin.db(), &query, limit).await?;
    let next_before = (items.len() as i64 == limit).then(|| items.last().map(|item| item.id.clone())).flatten();
    Ok(Json(json!({ "items": items, "next_before": next_before })))
}
