//! Personas in the console, from the companion: the AI's knowledge-sync state and the
//! style note of each persona, her most downvoted (点踩) replies with their reasons, and
//! the style note staff write into her character card (admins; audited).

use axum::{
    extract::{Path, Query, State},
    Json,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;
use yujie_kernel::{http::ApiJson, ApiResult};

use crate::{
    audit::{self, Action},
    peers::{decode, encoded},
    roles::Role,
    session::Staff,
    views::{DislikedReply, StyleNote, SyncState},
    Admin,
};

/// Every persona with her knowledge sync, the worst first.
#[utoipa::path(get, path = "/personas/sync", tag = "personas", security(("staff_session" = [])),
    responses((status = 200, body = Vec<SyncState>)))]
pub async fn sync_states(State(admin): State<Admin>, staff: Staff) -> ApiResult<Json<Vec<SyncState>>> {
    staff.require(Role::Moderator)?;
    Ok(Json(decode(admin.inner.peers.companion(Method::GET, "/sync?limit=200", None).await?, "sync states")?))
}

/// What the companion answers to a new style note.
#[derive(Deserialize)]
struct StyleChange {
    style_note: String,
    previous: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackQuery {
    /// 1 to 500; 50 when absent.
    limit: Option<i64>,
}

/// A persona's downvoted replies, newest first.
#[utoipa::path(get, path = "/personas/{persona_id}/feedback", tag = "personas",
    params(("persona_id" = String, Path), FeedbackQuery), security(("staff_session" = [])),
    responses((status = 200, body = Vec<DislikedReply>)))]
pub async fn feedback(
    State(admin): State<Admin>,
    staff: Staff,
    Path(persona_id): Path<String>,
    Query(query): Query<FeedbackQuery>,
) -> ApiResult<Json<Vec<DislikedReply>>> {
    staff.require(Role::Moderator)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let path = format!("/feedback?persona_id={}&limit={limit}", encoded(&persona_id));
    Ok(Json(decode(admin.inner.peers.companion(Method::GET, &path, None).await?, "downvoted replies")?))
}

/// Sets the style note of a persona's character card; an empty note clears it.
#[utoipa::path(put, path = "/personas/{persona_id}/style", tag = "personas", request_body = StyleNote,
    params(("persona_id" = String, Path)), security(("staff_session" = [])), responses((status = 200, body = StyleNote)))]
pub async fn set_style(
    State(admin): State<Admin>,
    staff: Staff,
    Path(persona_id): Path<String>,
    ApiJson(body): ApiJson<StyleNote>,
) -> ApiResult<Json<StyleNote>> {
    staff.require(Role::Admin)?;
    let request = json!({ "style_note": body.style_note });
    let path = format!("/personas/{}/style", encoded(&persona_id));
    let change: StyleChange =
        decode(admin.inner.peers.companion(Method::PUT, &path, Some(&request)).await?, "a style note")?;
    let action = Action {
        action: "style_note",
        target_kind: "persona",
        target_id: &persona_id,
        reason: None,
        before: Some(json!({ "style_note": change.previous })),
        after: Some(json!({ "style_note": change.style_note })),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(StyleNote { style_note: change.style_note }))
}
