//! Internal API: the change feed for the companion, removal and restore for staff.

use axum::{
    extract::{Path, State},
    middleware::from_fn_with_state,
    routing::{get, put},
    Router,
};
use serde::{Deserialize, Serialize};
use yujie_kernel::{
    http::{ApiJson, ApiQuery},
    service::require_internal_token,
    ApiError, ApiResult,
};

use crate::{moderation::ItemKind, ChangePage, Content};

pub fn internal(content: &Content) -> Router {
    let token = content.inner.platform.config.internal.token.clone();
    Router::new()
        .route("/changes", get(changes))
        .route("/items/{kind}/{id}/removal", put(remove).delete(restore))
        .with_state(content.clone())
        .route_layer(from_fn_with_state(token, require_internal_token))
}

#[derive(Deserialize)]
struct ChangesQuery {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

async fn changes(
    State(content): State<Content>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> ApiResult<ApiJson<ChangePage>> {
    Ok(ApiJson(content.change_page(query.after, query.limit.unwrap_or(100)).await?))
}

#[derive(Deserialize)]
struct Removal {
    reason: String,
}

#[derive(Serialize)]
struct Changed {
    changed: bool,
}

async fn remove(
    State(content): State<Content>,
    Path((kind, id)): Path<(String, String)>,
    ApiJson(removal): ApiJson<Removal>,
) -> ApiResult<ApiJson<Changed>> {
    let reason = removal.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::invalid_field("reason", "must be 1 to 500 characters"));
    }
    let changed = content.set_removed(ItemKind::parse(&kind)?, &id, Some(reason)).await?;
    Ok(ApiJson(Changed { changed }))
}

async fn restore(
    State(content): State<Content>,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<ApiJson<Changed>> {
    let changed = content.set_removed(ItemKind::parse(&kind)?, &id, None).await?;
    Ok(ApiJson(Changed { changed }))
}
