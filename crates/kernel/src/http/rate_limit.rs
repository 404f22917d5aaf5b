//! Per-route rate limits: fixed windows counted in the key-value store, so with Redis
//! they hold across every instance. A write counts against its limit only when it
//! succeeds: a refused request (bad input, conflict, our own failure) is refunded, so
//! mistakes do not lock anyone out. Every attempt also counts against a looser limit
//! (`attempts`, by default five times the limit), so refunds cannot be farmed.

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    auth::bearer_token,
    error::{ApiError, ErrorCode},
    http::client_ip::{client_ip, rate_subject},
    wait::WaitSlot,
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
        None => match client_ip(&parts, &platform.config.http) {
            Some(ip) => format!("ip:{}", rate_subject(ip)),
            None => "ip:unknown".to_owned(),
        },
    };
    let rule = platform.config.rate_rule(limit.rule);
    let window = Duration::from_secs(rule.window_secs);
    let attempts_key = format!("rl:{}:attempts:{subject}", limit.rule);
    if let Some(refusal) = count(platform, limit.rule, &attempts_key, window, rule.attempt_limit()).await {
        return refusal;
    }
    let key = format!("rl:{}:{subject}", limit.rule);
    if let Some(refusal) = count(platform, limit.rule, &key, window, rule.limit).await {
        return refusal;
    }
    let response = next.run(Request::from_parts(parts, body)).await;
    if !response.status().is_success() {
        if let Err(error) = platform.kv.decr_window(&key).await {
            tracing::error!(error = format!("{error:#}"), rule = limit.rule, "rate-limit refund failed");
        }
    }
    response
}

/// Caps the open waits (long-polls, event streams) of one signed-in user, or of one
/// address for anonymous waits (signed-in users behind one NAT do not share a budget):
/// the slot is taken before the handler runs and given back when the response body
/// ends, so a stream holds it for as long as it is open.
pub async fn limit_waits(State(platform): State<Platform>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let user = bearer_token(&parts.headers).and_then(|token| platform.tokens.decode(token).ok());
    let subject = match (user, client_ip(&parts, &platform.config.http)) {
        (Some(claims), _) => format!("u:{}", claims.sub),
        (None, Some(ip)) => format!("ip:{}", rate_subject(ip)),
        (None, None) => "ip:unknown".to_owned(),
    };
    let subjects = vec![subject];
    let slot = match platform.waits.acquire(subjects) {
        Ok(slot) => slot,
        Err(refusal) => return refusal.into_response(),
    };
    next.run(Request::from_parts(parts, body)).await.map(|body| Body::new(Holding { body, _slot: slot }))
}

/// A response body that keeps its wait slot until it is dropped.
struct Holding {
    body: Body,
    _slot: WaitSlot,
}

impl http_body::Body for Holding {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Counts one request in a window; the 429 to answer when it is over the limit.
async fn count(platform: &Platform, rule: &str, key: &str, window: Duration, limit: u64) -> Option<Response> {
    match platform.kv.incr_window(key, window).await {
        Ok((count, _)) if count <= limit => None,
        Ok((_, left)) => Some(
            ApiError::new(ErrorCode::RateLimited)
                .with_detail(format!("at most {limit} requests per {} s for this action", window.as_secs()))
                .with_retry_after(left.as_secs_f64().ceil() as u64)
                .into_response(),
        ),
        // Failing open keeps the product usable while the store is down; the error is
        // logged and `/readyz` reports the store.
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), rule, "rate-limit store failed");
            None
        }
    }
}
