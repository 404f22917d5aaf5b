//! Internal API for staff tools: orders by user, state and date; a reconciliation pass.

use axum::{
    extract::State,
    middleware::from_fn_with_state,
    routing::{get, post},
    Router,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use yujie_kernel::{
    http::{ApiJson, ApiQuery},
    service::{require_internal_token, InternalTokens},
    ApiError, ApiResult,
};

use crate::{
    domain::OrderState,
    orders::{staff_view, StaffOrderView},
    reconcile::ReconcileReport,
    store::OrderFilter,
    Billing,
};

pub fn internal(billing: &Billing) -> Router {
    let tokens = InternalTokens::of(&billing.inner.platform.config.internal);
    Router::new()
        .route("/orders", get(orders))
        .route("/reconciliations", post(reconcile))
        .with_state(billing.clone())
        .route_layer(from_fn_with_state(tokens, require_internal_token))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrdersQuery {
    user_id: Option<String>,
    state: Option<String>,
    /// Created at or after (RFC 3339).
    from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    to: Option<DateTime<Utc>>,
    limit: Option<i64>,
}

async fn orders(
    State(billing): State<Billing>,
    ApiQuery(query): ApiQuery<OrdersQuery>,
) -> ApiResult<ApiJson<Vec<StaffOrderView>>> {
    let state = match &query.state {
        Some(state) => Some(
            OrderState::parse(state)
                .ok_or_else(|| ApiError::invalid_field("state", "pending, paid, expired or closed"))?,
        ),
        None => None,
    };
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be 1 to 1000"));
    }
    let filter = OrderFilter {
        user_id: query.user_id,
        state,
        created_from: query.from.map(|from| from.timestamp_millis()),
        created_before: query.to.map(|to| to.timestamp_millis()),
    };
    let orders = billing.inner.store.list(&filter, limit).await?;
    Ok(ApiJson(orders.iter().map(staff_view).collect()))
}

/// Runs one reconciliation pass now (the worker also runs them on its interval).
async fn reconcile(State(billing): State<Billing>) -> ApiResult<ApiJson<ReconcileReport>> {
    Ok(ApiJson(billing.reconcile_once().await?))
}
