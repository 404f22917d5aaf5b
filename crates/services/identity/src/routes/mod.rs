//! Identity's HTTP surface. Public routes are relative to `/api/v1`; internal ones to
//! `/internal/identity` on the staff listener.

mod internal;
mod login;
mod me;
mod session;

use axum::middleware::from_fn_with_state;
use utoipa_axum::{router::OpenApiRouter, routes};
use yujie_kernel::http::{
    rate_limit::{enforce, limit_waits, RateKey, RouteLimit},
    upload_body_limit,
};

use crate::Identity;

pub use internal::internal;

pub fn public(identity: &Identity) -> OpenApiRouter {
    let platform = &identity.inner.platform;
    let limited = |router: OpenApiRouter<Identity>, rule: &'static str, key: RateKey| {
        router.route_layer(from_fn_with_state(RouteLimit::new(platform, rule, key), enforce))
    };
    OpenApiRouter::new()
        .merge(limited(OpenApiRouter::new().routes(routes!(login::create_login)), "login_qr", RateKey::Ip))
        .merge(limited(
            OpenApiRouter::new()
                .routes(routes!(login::wait_login))
                .routes(routes!(login::login_events))
                .route_layer(from_fn_with_state(platform.clone(), limit_waits)),
            "login_wait",
            RateKey::Ip,
        ))
        .routes(routes!(login::verify_callback_url, login::receive_callback))
        .merge(limited(OpenApiRouter::new().routes(routes!(session::refresh)), "token_refresh", RateKey::Ip))
        .routes(routes!(session::logout))
        .routes(routes!(session::logout_all))
        .routes(routes!(me::get_me))
        .merge(limited(OpenApiRouter::new().routes(routes!(me::update_me)), "profile_write", RateKey::UserOrIp))
        .merge(limited(
            OpenApiRouter::new()
                .routes(routes!(me::upload_avatar))
                .route_layer(upload_body_limit(platform.config.media.max_bytes)),
            "profile_write",
            RateKey::UserOrIp,
        ))
        .with_state(identity.clone())
}
