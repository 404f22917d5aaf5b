//! Internal API: the change feed for the companion, removal and restore for staff.

use axum::{
    extract::{Path, State},
    middleware::from_fn_with_state,
    routing::{get, post, put},
    Router,
};
use serde::{Deserialize, Serialize};
use yujie_kernel::{
    http::{ApiJson, ApiQuery},
    service::{require_internal_token, InternalTokens},
    ApiResult,
};

use crate::{
    domain::ReportReason,
    moderation::ItemKind,
    reports::{ReportGroup, Resolution, Resolved},
    user_content::UserItem,
    ChangePage, Content,
};

pub fn internal(content: &Content) -> Router {
    let tokens = InternalTokens::of(&content.inner.platform.config.internal);
    Router::new()
        .route("/changes", get(changes))
        .route("/items/{kind}/{id}/removal", put(remove).delete(restore))
        .route("/reports", get(report_queue))
        .route("/reports/{kind}/{id}/resolution", post(resolve))
        .route("/users/{user_id}/content", get(user_content))
        .route("/users/{user_id}/removal", put(remove_user_content).delete(restore_user_content))
        .with_state(content.clone())
        .route_layer(from_fn_with_state(tokens, require_internal_token))
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

impl Removal {
    fn reason(&self) -> ApiResult<String> {
        yujie_kernel::text::user_text("reason", &self.reason, 1, 500, yujie_kernel::text::TextKind::Multiline)
    }
}

#[derive(Deserialize)]
struct ResolutionBody {
    resolution: Resolution,
    reason: String,
}

async fn resolve(
    State(content): State<Content>,
    Path((kind, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ResolutionBody>,
) -> ApiResult<ApiJson<Resolved>> {
    let kind = ItemKind::parse(&kind)?;
    let reason = Removal { reason: body.reason }.reason()?;
    Ok(ApiJson(content.resolve_reports(kind, &id, body.resolution, &reason).await?))
}

#[derive(Deserialize)]
struct QueueQuery {
    kind: Option<ItemKind>,
    reason: Option<ReportReason>,
    limit: Option<i64>,
}

async fn report_queue(
    State(content): State<Content>,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> ApiResult<ApiJson<Vec<ReportGroup>>> {
    Ok(ApiJson(content.report_queue(query.kind, query.reason, query.limit.unwrap_or(50)).await?))
}

async fn user_content(
    State(content): State<Content>,
    Path(user_id): Path<String>,
) -> ApiResult<ApiJson<Vec<UserItem>>> {
    Ok(ApiJson(content.user_content(&user_id).await?))
}

#[derive(Serialize)]
struct Count {
    changed: usize,
}

async fn remove_user_content(
    State(content): State<Content>,
    Path(user_id): Path<String>,
    ApiJson(removal): ApiJson<Removal>,
) -> ApiResult<ApiJson<Count>> {
    let changed = content.set_user_content_removed(&user_id, Some(removal.reason()?.as_str())).await?;
    Ok(ApiJson(Count { changed }))
}

async fn restore_user_content(
    State(content): State<Content>,
    Path(user_id): Path<String>,
) -> ApiResult<ApiJson<Count>> {
    Ok(ApiJson(Count { changed: content.set_user_content_removed(&user_id, None).await? }))
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
    let changed = content.set_removed(ItemKind::parse(&kind)?, &id, Some(removal.reason()?.as_str())).await?;
    Ok(ApiJson(Changed { changed }))
}

async fn restore(
    State(content): State<Content>,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<ApiJson<Changed>> {
    let changed = content.set_removed(ItemKind::parse(&kind)?, &id, None).await?;
    Ok(ApiJson(Changed { changed }))
}
