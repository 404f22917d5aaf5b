//! The actions on the report queue: dismiss and remove (moderators), ban and unban
//! (admins); and the audit log. Each action is audited with its reason and the state before and
//! after; content and identity do the work through their internal APIs.

use axum::{
    extract::{Path, Query, State},
    Json,
};
use reqwest::Method;
use serde_json::{json, Value};
use yujie_kernel::{
    error::Problem,
    http::ApiJson,
    text::{user_text, TextKind},
    ApiResult,
};

use crate::error::AdminError;
use crate::{
    audit::{self, Action, AuditEntry, AuditQuery},
    peers::{decode, encoded},
    roles::Role,
    session::Staff,
    views::{AuditPage, BanRequest, BanResult, Changed, ResolutionRequest, Resolved, UnbanRequest, UnbanResult},
    Admin,
};

fn reason(raw: &str) -> ApiResult<String> {
    user_text("reason", raw, 1, 500, TextKind::Multiline)
}

/// Dismisses the reports on an item, or removes it (restorable); either resolves all of
/// its open reports. Of two moderators acting at once, one gets a 409.
#[utoipa::path(post, path = "/reports/{kind}/{id}/resolution", tag = "moderation", request_body = ResolutionRequest,
    params(("kind" = String, Path, description = "persona, photo, entry, post or comment"), ("id" = String, Path)),
    security(("staff_session" = [])),
    responses((status = 200, body = Resolved), (status = 409, body = Problem, description = "already resolved")))]
pub async fn resolve(
    State(admin): State<Admin>,
    staff: Staff,
    Path((kind, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ResolutionRequest>,
) -> ApiResult<Json<Resolved>> {
    staff.require(Role::Moderator)?;
    let reason = reason(&body.reason)?;
    let request = json!({ "resolution": body.resolution, "reason": reason });
    let path = format!("/reports/{}/{}/resolution", encoded(&kind), encoded(&id));
    let resolved: Resolved =
        decode(admin.inner.peers.content(Method::POST, &path, Some(&request)).await?, "a resolution")?;
    let action = Action {
        action: body.resolution.as_str(),
        target_kind: &kind,
        target_id: &id,
        reason: Some(&reason),
        before: Some(json!({ "reports": "open" })),
        after: Some(json!({ "reports": "resolved", "resolved": resolved.reports, "removed": resolved.removed })),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(resolved))
}

async fn auth_state(admin: &Admin, user_id: &str) -> ApiResult<Value> {
    Ok(admin.inner.peers.identity(Method::GET, &format!("/users/{}/auth-state", encoded(user_id)), None).await?)
}

/// Bans a user for 1, 7 or 30 days or for good, optionally removing all they wrote as
/// one restorable batch. Their sessions end at once.
#[utoipa::path(put, path = "/users/{user_id}/ban", tag = "moderation", request_body = BanRequest,
    params(("user_id" = String, Path)), security(("staff_session" = [])), responses((status = 200, body = BanResult)))]
pub async fn ban(
    State(admin): State<Admin>,
    staff: Staff,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<BanRequest>,
) -> ApiResult<Json<BanResult>> {
    staff.require(Role::Admin)?;
    if body.days.is_some_and(|days| ![1, 7, 30].contains(&days)) {
        return Err(AdminError::invalid("days", "must be 1, 7 or 30, or absent for a permanent ban").into());
    }
    let reason = reason(&body.reason)?;
    let peers = &admin.inner.peers;
    let before = auth_state(&admin, &user_id).await?;
    let until = body.days.map(|days| admin.inner.platform.clock.now() + chrono::Duration::days(i64::from(days)));
    let request = json!({ "until": until, "reason": reason });
    peers.identity(Method::PUT, &format!("/users/{}/ban", encoded(&user_id)), Some(&request)).await?;
    let content_removed = if body.remove_content {
        let removal = json!({ "reason": reason });
        let path = format!("/users/{}/removal", encoded(&user_id));
        Some(decode::<Changed>(peers.content(Method::PUT, &path, Some(&removal)).await?, "a removal")?.changed)
    } else {
        None
    };
    let after = auth_state(&admin, &user_id).await?;
    let action = Action {
        action: "ban",
        target_kind: "user",
        target_id: &user_id,
        reason: Some(&reason),
        before: Some(before),
        after: Some(json!({ "state": after, "content_removed": content_removed })),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(BanResult { banned_until: until, content_removed }))
}

/// Lifts a ban, optionally bringing back the content removed with it.
#[utoipa::path(delete, path = "/users/{user_id}/ban", tag = "moderation", request_body = UnbanRequest,
    params(("user_id" = String, Path)), security(("staff_session" = [])), responses((status = 200, body = UnbanResult)))]
pub async fn unban(
    State(admin): State<Admin>,
    staff: Staff,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<UnbanRequest>,
) -> ApiResult<Json<UnbanResult>> {
    staff.require(Role::Admin)?;
    let reason = reason(&body.reason)?;
    let peers = &admin.inner.peers;
    let before = auth_state(&admin, &user_id).await?;
    peers.identity(Method::DELETE, &format!("/users/{}/ban", encoded(&user_id)), None).await?;
    let content_restored = if body.restore_content {
        let path = format!("/users/{}/removal", encoded(&user_id));
        Some(decode::<Changed>(peers.content(Method::DELETE, &path, None).await?, "a restore")?.changed)
    } else {
        None
    };
    let after = auth_state(&admin, &user_id).await?;
    let action = Action {
        action: "unban",
        target_kind: "user",
        target_id: &user_id,
        reason: Some(&reason),
        before: Some(before),
        after: Some(json!({ "state": after, "content_restored": content_restored })),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(UnbanResult { content_restored }))
}

/// The audit log, newest first, filtered and paged by `before`.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), security(("staff_session" = [])),
    responses((status = 200, body = AuditPage)))]
pub async fn audit_log(
    State(admin): State<Admin>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    staff.require(Role::Moderator)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    // One more than asked tells whether another page follows.
    let mut items: Vec<AuditEntry> = audit::list(admin.db(), &query, limit + 1).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_before = more.then(|| items.last().map(|item| item.id.clone())).flatten();
    Ok(Json(AuditPage { items, next_before }))
}
