//! The companion's HTTP surface: public routes relative to `/api/v1`, internal ones to
//! `/internal/companion` on the staff listener.

mod calls;
mod chat;
mod internal;

use axum::middleware::from_fn_with_state;
pub use internal::internal;
use utoipa_axum::{router::OpenApiRouter, routes};
use yujie_kernel::http::rate_limit::{enforce, limit_waits, RateKey, RouteLimit};

use crate::{chat::ReplySignal, Companion};

/// The JSON of each `reply` event of a message's stream: no route body names it, so it
/// is listed here for clients to generate its type.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(ReplySignal)))]
struct StreamSchemas;

pub fn public(companion: &Companion) -> OpenApiRouter {
    let platform = &companion.inner.platform;
    OpenApiRouter::with_openapi(<StreamSchemas as utoipa::OpenApi>::openapi())
        .routes(routes!(chat::quota))
        .routes(routes!(chat::conversations, chat::start_conversation))
        .routes(routes!(chat::messages))
        .routes(routes!(chat::dislike))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(chat::send_message))
                .route_layer(from_fn_with_state(platform.clone(), limit_waits))
                .route_layer(from_fn_with_state(
                    RouteLimit::new(platform, "companion_message", RateKey::UserOrIp),
                    enforce,
                )),
        )
        .merge(
            OpenApiRouter::new().routes(routes!(calls::start_call)).route_layer(from_fn_with_state(
                RouteLimit::new(platform, "companion_call", RateKey::UserOrIp),
                enforce,
            )),
        )
        .routes(routes!(calls::get_call))
        .routes(routes!(calls::heartbeat))
        .routes(routes!(calls::hang_up))
        .routes(routes!(calls::voice_callback))
        .with_state(companion.clone())
}
