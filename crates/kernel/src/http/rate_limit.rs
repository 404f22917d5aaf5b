//! Per-route rate limits: fixed windows counted in the key-value store, so with Redis
//! they hold across every instance.

use std::time::Duration;

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    auth::bearer_token,
    error::{ApiError, ErrorCode},
    http::client_ip::client_ip,
    Platform,
};

/// Whom a limit counts.
#[derive(Clone, Copy, Debug)]
pub enum RateKey {
    /// The client address.
    Ip,
    /// The signed-in user when the request carries a valid access token, else the address.
    UserOrIp,
}

#[derive(Clone)]
pub struct RouteLimit {
    platform: Platform,
    rule: &'static str,
    key: RateKey,
}

impl RouteLimit {
    /// A limit by the named rule of `http.rate_limits`.
    pub fn new(platform: &Platform, rule: &'static str, key: RateKey) -> Self {
        Self { platform: platform.clone(), rule, key }
    }
}

/// The middleware: `router.route_layer(from_fn_with_state(RouteLimit::new(..), enforce))`.
pub async fn enforce(State(limit): State<RouteLimit>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let platform = &limit.platform;
    let user = match limit.key {
        RateKey::UserOrIp => {
            bearer_token(&parts.headers).and_then(|token| platform.tokens.decode(token).ok()).map(|claims| claims.sub)
        }
        RateKey::Ip => None,
    };
    let subject = match user {
        Some(user_id) => format!("u:{user_id}"),
        None => match client_ip(&parts, &platform.config.http.client_ip_header) {
            Some(ip) => format!("ip:{ip}"),
            None => "ip:unknown".to_owned(),
        },
    };
    let rule = platform.config.rate_rule(limit.rule);
    let key = format!("rl:{}:{subject}", limit.rule);
    match platform.kv.incr_window(&key, Duration::from_secs(rule.window_secs)).await {
        Ok((count, _)) if count <= rule.limit => {}
        Ok((_, left)) => {
            return ApiError::new(ErrorCode::RateLimited)
                .with_detail(format!("at most {} requests per {} s for this action", rule.limit, rule.window_secs))
                .with_retry_after(left.as_secs_f64().ceil() as u64)
                .into_response();
        }
        // Failing open keeps the product usable while the store is down; the error is
        // logged and `/readyz` reports the store.
        Err(error) => tracing::error!(error = format!("{error:#}"), rule = limit.rule, "rate-limit store failed"),
    }
    next.run(Request::from_parts(parts, body)).await
}
