//! Internal API for staff tools: knowledge-sync state, downvoted replies, style notes.

use axum::{
    extract::{Path, State},
    middleware::from_fn_with_state,
    routing::{get, put},
    Router,
};
use serde::{Deserialize, Serialize};
use yujie_kernel::{
    http::{ApiJson, ApiQuery},
    service::{require_internal_token, InternalTokens},
    text::{user_text, TextKind},
    ApiError, ApiResult,
};

use crate::{
    store::{DislikedReply, SyncState},
    Companion,
};

pub fn internal(companion: &Companion) -> Router {
    let tokens = InternalTokens::of(&companion.inner.platform.config.internal);
    Router::new()
        .route("/sync", get(sync_states))
        .route("/feedback", get(disliked))
        .route("/personas/{persona_id}/style", put(set_style))
        .with_state(companion.clone())
        .route_layer(from_fn_with_state(tokens, require_internal_token))
}

#[derive(Deserialize)]
struct Limit {
    limit: Option<i64>,
}

/// Per persona: documents, pending, failed, the oldest unsynced change and the last sync.
async fn sync_states(
    State(companion): State<Companion>,
    ApiQuery(query): ApiQuery<Limit>,
) -> ApiResult<ApiJson<Vec<SyncState>>> {
    Ok(ApiJson(companion.inner.store.sync_states(query.limit.unwrap_or(100).clamp(1, 1000)).await?))
}

#[derive(Deserialize)]
struct FeedbackQuery {
    persona_id: String,
    limit: Option<i64>,
}

/// A persona's downvoted replies with their reasons, newest first.
async fn disliked(
    State(companion): State<Companion>,
    ApiQuery(query): ApiQuery<FeedbackQuery>,
) -> ApiResult<ApiJson<Vec<DislikedReply>>> {
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    Ok(ApiJson(companion.inner.store.disliked_replies(&query.persona_id, limit).await?))
}

#[derive(Deserialize)]
struct StyleNote {
    style_note: String,
}

#[derive(Serialize)]
struct StyleChange {
    style_note: String,
    /// The note it replaced, for the staff audit log.
    previous: String,
}

/// Sets the staff-written style note of a persona's character card.
async fn set_style(
    State(companion): State<Companion>,
    Path(persona_id): Path<String>,
    ApiJson(request): ApiJson<StyleNote>,
) -> ApiResult<ApiJson<StyleChange>> {
    let note = match request.style_note.trim() {
        "" => String::new(),
        note => user_text("style_note", note, 1, 2000, TextKind::Multiline)?,
    };
    let store = &companion.inner.store;
    let previous = store.persona(&persona_id).await?.ok_or_else(|| ApiError::not_found("persona"))?.style_note;
    if !store.set_style_note(&persona_id, &note).await? {
        return Err(ApiError::not_found("persona"));
    }
    Ok(ApiJson(StyleChange { style_note: note, previous }))
}
