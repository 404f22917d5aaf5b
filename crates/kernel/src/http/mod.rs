//! The HTTP stack every listener shares.

mod client_ip;
mod extract;
mod observe;
pub mod rate_limit;
mod upload;

use std::time::Duration;

use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderName, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
pub use client_ip::client_ip;
pub use extract::{body_rejection, parse_json, parse_value, ApiJson, ApiQuery};
pub use observe::{HttpMetrics, ObserveState};
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
pub use upload::{media_problem, read_file_part, upload_body_limit};

use crate::{
    error::{ApiError, ErrorCode},
    Platform,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Which listener a router serves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Listener {
    Public,
    Staff,
}

impl Listener {
    fn label(self) -> &'static str {
        match self {
            Listener::Public => "public",
            Listener::Staff => "staff",
        }
    }
}

/// Wraps a listener's routes with the shared middleware: request ids, request logs,
/// metrics, CORS (public only), body limits and problem+json fallbacks.
pub fn finish(router: Router, platform: &Platform, listener: Listener, metrics: &HttpMetrics) -> Router {
    let observe = ObserveState { metrics: metrics.clone(), listener: listener.label() };
    let mut router = router
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz).with_state(platform.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(observe, observe::record))
        .layer(DefaultBodyLimit::max(platform.config.http.max_body_bytes));
    if listener == Listener::Public {
        router = router.layer(cors(&platform.config.http.cors_allowed_origins));
    }
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let request_id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", request_id, method = %request.method(), path = request.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|origin| origin.parse().ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([http::header::AUTHORIZATION, http::header::CONTENT_TYPE])
        .expose_headers([REQUEST_ID, http::header::RETRY_AFTER])
        .max_age(Duration::from_secs(3600))
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_detail("no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed)
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready when the database and the key-value store answer.
async fn readyz(State(platform): State<Platform>) -> Response {
    let database = platform.db.ping().await;
    let kv = platform.kv.ping().await;
    let report = |result: &anyhow::Result<()>| if result.is_ok() { "ok" } else { "down" };
    let status = if database.is_ok() && kv.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    for (name, result) in [("database", &database), ("kv", &kv)] {
        if let Err(error) = result {
            tracing::warn!(dependency = name, error = format!("{error:#}"), "not ready");
        }
    }
    let body = serde_json::json!({
        "status": if status.is_success() { "ready" } else { "not_ready" },
        "checks": { "database": report(&database), "kv": report(&kv) },
        "backends": { "database": format!("{:?}", platform.db.backend()).to_lowercase(), "kv": platform.kv.backend() },
    });
    (status, Json(body)).into_response()
}
