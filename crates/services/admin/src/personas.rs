//! Personas in the console, from the companion: the AI's knowledge-sync state per
//! persona, a persona's most downvoted (点踩) replies with their reasons, and the
//! style note staff write into her character card (admins; audited).

use axum::{
    extract::{Path, Query, State},
    Json,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use yujie_kernel::{http::ApiJson, ApiResult};

use crate::{
    audit::{self, Action},
    roles::Role,
    session::Staff,
    Admin,
};

pub async fn sync_states(State(admin): State<Admin>, staff: Staff) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    Ok(Json(admin.inner.peers.companion(Method::GET, "/sync?limit=200", None).await?))
}

#[derive(Deserialize)]
pub struct FeedbackQuery {
    limit: Option<i64>,
}

pub async fn feedback(
    State(admin): State<Admin>,
    staff: Staff,
    Path(persona_id): Path<String>,
    Query(query): Query<FeedbackQuery>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Moderator)?;
    let persona: String = url::form_urlencoded::byte_serialize(persona_id.as_bytes()).collect();
    let path = format!("/feedback?persona_id={persona}&limit={}", query.limit.unwrap_or(50).clamp(1, 500));
    Ok(Json(admin.inner.peers.companion(Method::GET, &path, None).await?))
}

#[derive(Deserialize)]
pub struct StyleNote {
    style_note: String,
}

pub async fn set_style(
    State(admin): State<Admin>,
    staff: Staff,
    Path(persona_id): Path<String>,
    ApiJson(body): ApiJson<StyleNote>,
) -> ApiResult<Json<Value>> {
    staff.require(Role::Admin)?;
    let request = json!({ "style_note": body.style_note });
    admin.inner.peers.companion(Method::PUT, &format!("/personas/{persona_id}/style"), Some(&request)).await?;
    let action = Action {
        action: "style_note",
        target_kind: "persona",
        target_id: &persona_id,
        reason: None,
        before: None,
        after: Some(request.clone()),
    };
    audit::record(admin.db(), &staff, action, admin.now_ms()).await?;
    Ok(Json(request))
}
