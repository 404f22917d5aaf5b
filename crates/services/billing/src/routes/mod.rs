//! Billing's HTTP surface: public routes relative to `/api/v1` (including the channels'
//! notification endpoints), internal ones to `/internal/billing` on the staff listener.

mod internal;
mod notify;
mod orders;

use axum::middleware::from_fn_with_state;
pub use internal::internal;
use utoipa_axum::{router::OpenApiRouter, routes};
use yujie_kernel::http::rate_limit::{enforce, limit_waits, RateKey, RouteLimit};

use crate::Billing;

pub fn public(billing: &Billing) -> OpenApiRouter {
    let platform = &billing.inner.platform;
    OpenApiRouter::new()
        .routes(routes!(orders::list_plans))
        .routes(routes!(orders::my_orders))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(orders::create_order))
                .route_layer(from_fn_with_state(RouteLimit::new(platform, "order_create", RateKey::UserOrIp), enforce)),
        )
        .merge(
            OpenApiRouter::new()
                .routes(routes!(orders::get_order))
                .routes(routes!(orders::order_events))
                .route_layer(from_fn_with_state(platform.clone(), limit_waits)),
        )
        .routes(routes!(notify::wechatpay_notify))
        .routes(routes!(notify::alipay_notify))
        .with_state(billing.clone())
}
