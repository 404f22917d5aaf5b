use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use yujie_kernel::{auth::CurrentUser, error::Problem, http::ApiJson, ApiResult};

use crate::{domain::EntryInput, views::EntryView, Content};

/// Adds an experience, an achievement or a work; `section` picks which.
#[utoipa::path(post, path = "/personas/{persona_id}/entries", tag = "content", security(("bearer" = [])),
    params(("persona_id" = String, Path)), request_body = EntryInput,
    responses((status = 201, body = EntryView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_entry(
    State(content): State<Content>,
    user: CurrentUser,
    Path(persona_id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<(StatusCode, ApiJson<EntryView>)> {
    let input = EntryInput::from_json(body)?;
    Ok((StatusCode::CREATED, ApiJson(content.add_entry(&user.user_id, &persona_id, &input).await?)))
}

/// Rewrites an entry; only its author may, and its section stays.
#[utoipa::path(put, path = "/personas/{persona_id}/entries/{entry_id}", tag = "content", security(("bearer" = [])),
    params(("persona_id" = String, Path), ("entry_id" = String, Path)), request_body = EntryInput,
    responses((status = 200, body = EntryView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_entry(
    State(content): State<Content>,
    user: CurrentUser,
    Path((persona_id, entry_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<ApiJson<EntryView>> {
    let input = EntryInput::from_json(body)?;
    Ok(ApiJson(content.update_entry(&user.user_id, &persona_id, &entry_id, &input).await?))
}

/// Deletes an entry; only its author may.
#[utoipa::path(delete, path = "/personas/{persona_id}/entries/{entry_id}", tag = "content", security(("bearer" = [])),
    params(("persona_id" = String, Path), ("entry_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_entry(
    State(content): State<Content>,
    user: CurrentUser,
    Path((persona_id, entry_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    content.delete_entry(&user.user_id, &persona_id, &entry_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
