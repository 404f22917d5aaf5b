use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::sse::{Event, KeepAlive, Sse},
};
use chrono::{DateTime, Utc};
use futures::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yujie_kernel::{
    auth::CurrentUser,
    error::Problem,
    http::{with_reconnect_hint, ApiJson, ApiQuery},
    ApiError, ApiResult,
};

use crate::{
    domain::{Channel, Fen},
    orders::{view, OrderView},
    Billing,
};

/// A membership plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    pub name: String,
    pub price_fen: Fen,
    pub period_days: i64,
}

/// The membership plans on sale. Prices are in fen.
#[utoipa::path(get, path = "/billing/plans", tag = "billing", responses((status = 200, body = [PlanView])))]
pub async fn list_plans(State(billing): State<Billing>) -> ApiJson<Vec<PlanView>> {
    let plans = &billing.inner.config.plans;
    ApiJson(
        plans
            .iter()
            .map(|plan| PlanView {
                id: plan.id.clone(),
                name: plan.name.clone(),
                price_fen: Fen(plan.price_fen),
                period_days: plan.period_days,
            })
            .collect(),
    )
}

/// What to buy and how to pay. The price comes from the plan, never from the client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    pub plan_id: String,
    pub channel: Channel,
}

/// Creates an order and its payment QR; 200 with the existing order when the caller
/// already has an open one for this plan.
#[utoipa::path(post, path = "/billing/orders", tag = "billing", request_body = CreateOrder,
    security(("bearer" = [])),
    responses((status = 201, body = OrderView), (status = 200, description = "the open order", body = OrderView),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
              (status = 502, body = Problem)))]
pub async fn create_order(
    State(billing): State<Billing>,
    user: CurrentUser,
    ApiJson(request): ApiJson<CreateOrder>,
) -> ApiResult<(StatusCode, ApiJson<OrderView>)> {
    let (created, order) = billing.create_order(&user.user_id, &request.plan_id, request.channel).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, ApiJson(order)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Orders created before this time (the last page's oldest `created_at`).
    pub before: Option<DateTime<Utc>>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/billing/orders", tag = "billing", params(HistoryQuery), security(("bearer" = [])),
    responses((status = 200, body = [OrderView]), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn my_orders(
    State(billing): State<Billing>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<ApiJson<Vec<OrderView>>> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be 1 to 100"));
    }
    let before = query.before.map(|before| before.timestamp_millis());
    let orders = billing.inner.store.history(&user.user_id, before, limit).await?;
    Ok(ApiJson(orders.iter().map(view).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WaitQuery {
    /// Seconds to wait while the order is pending, 0 to 30 (default 0: answer at once).
    pub wait_secs: Option<u64>,
}

/// One of the caller's orders. With `wait_secs`, a long-poll that answers as soon as
/// the order is paid, expired or closed.
#[utoipa::path(get, path = "/billing/orders/{order_id}", tag = "billing",
    params(("order_id" = String, Path), WaitQuery), security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_order(
    State(billing): State<Billing>,
    user: CurrentUser,
    Path(order_id): Path<String>,
    ApiQuery(query): ApiQuery<WaitQuery>,
) -> ApiResult<ApiJson<OrderView>> {
    let wait_secs = query.wait_secs.unwrap_or(0);
    if wait_secs > 30 {
        return Err(ApiError::invalid_field("wait_secs", "must be at most 30"));
    }
    Ok(ApiJson(billing.wait_order(&user.user_id, &order_id, Duration::from_secs(wait_secs)).await?))
}

/// Server-sent events: one `order` event when the order leaves `pending`, with the
/// order. An unpaid order is ended by the reconciliation worker once its lifetime is
/// over, so the stream waits that long (and one worker period) at most.
#[utoipa::path(get, path = "/billing/orders/{order_id}/events", tag = "billing",
    params(("order_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", description = "an `order` or `failed` event"),
              (status = 404, body = Problem)))]
pub async fn order_events(
    State(billing): State<Billing>,
    user: CurrentUser,
    Path(order_id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let order = billing.own_order(&user.user_id, &order_id).await?;
    let remaining = order.expires_at - billing.now_ms();
    let worker_period = billing.inner.config.reconcile_interval_secs + 5;
    let max_wait = Duration::from_millis(u64::try_from(remaining).unwrap_or(0)) + Duration::from_secs(worker_period);
    let shutdown = billing.inner.platform.shutdown.clone();
    let outcome = stream::once(async move {
        let event = match billing.wait_order(&user.user_id, &order_id, max_wait).await {
            Ok(order) => Event::default().event("order").json_data(order),
            Err(error) => Event::default().event("failed").json_data(ApiError::from(error).to_problem()),
        };
        Ok(with_reconnect_hint(event.unwrap_or_else(|_| Event::default().event("failed")), &shutdown))
    });
    Ok(Sse::new(outcome).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))))
}
