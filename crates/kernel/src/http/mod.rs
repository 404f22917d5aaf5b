//! The HTTP stack every listener shares.

mod client_ip;
mod encoding;
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
pub use encoding::{json_response, Coding, Precompressed};
pub use extract::{body_rejection, parse_json, parse_value, ApiBytes, ApiJson, ApiMultipart, ApiQuery};
pub use observe::{HttpMetrics, ObserveState};
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
pub use upload::{
    media_problem, multipart_problem, next_part, once, read_file_part, read_part, read_text_part, render_image,
    upload_body_limit,
};

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
/// metrics, CORS (public only), body limits, gzip/Brotli when the client accepts it, and the problem+json answer to a wrong
/// method. The caller sets the fallback for unknown paths first (`not_found`, or the web
/// app on the public listener), so the middleware covers it too.
pub fn finish(router: Router, platform: &Platform, listener: Listener, metrics: &HttpMetrics) -> Router {
    let observe = ObserveState { metrics: metrics.clone(), listener: listener.label() };
    let mut router = router
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz).with_state(platform.clone()))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(request_head_limits))
        .layer(axum::middleware::from_fn_with_state(observe, observe::record))
        .layer(DefaultBodyLimit::max(platform.config.http.max_body_bytes))
        .layer(encoding::compression());
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

/// Longest request target we answer; longer ones get a 414 problem. (hyper itself
/// answers a bare 414 past 64 KiB and a bare 431 past its read buffer, ~400 KiB.)
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest sum of header names and values we answer; more gets a 431 problem.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

async fn request_head_limits(request: Request, next: axum::middleware::Next) -> Response {
    if request.uri().to_string().len() > MAX_URI_BYTES {
        return ApiError::new(ErrorCode::UriTooLong)
            .with_detail(format!("at most {MAX_URI_BYTES} bytes"))
            .into_response();
    }
    let header_bytes: usize =
        request.headers().iter().map(|(name, value)| name.as_str().len() + value.as_bytes().len()).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return ApiError::new(ErrorCode::HeadersTooLarge)
            .with_detail(format!("at most {MAX_HEADER_BYTES} bytes of headers"))
            .into_response();
    }
    next.run(request).await
}

/// The problem+json 404 for a path no route serves.
pub async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_detail("no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed)
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready while the database answers. Redis down is reported (`degraded`, `kv: down`) but
/// keeps the instance in rotation: every instance shares it, the product degrades
/// without it (README), and taking every instance out would turn that into an outage.
async fn readyz(State(platform): State<Platform>) -> Response {
    let database = platform.db.ping().await;
    let kv = platform.kv.ping().await;
    let report = |result: &anyhow::Result<()>| if result.is_ok() { "ok" } else { "down" };
    for (name, result) in [("database", &database), ("kv", &kv)] {
        if let Err(error) = result {
            tracing::warn!(dependency = name, error = format!("{error:#}"), "dependency down");
        }
    }
    let (status, word) = match (&database, &kv) {
        (Err(_), _) => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
        (Ok(()), Err(_)) => (StatusCode::OK, "degraded"),
        (Ok(()), Ok(())) => (StatusCode::OK, "ready"),
    };
    let body = serde_json::json!({
        "status": word,
        "checks": { "database": report(&database), "kv": report(&kv) },
        "backends": { "database": format!("{:?}", platform.db.backend()).to_lowercase(), "kv": platform.kv.backend() },
    });
    (status, Json(body)).into_response()
}

/// When a client should reconnect after the server ended its event stream for shutdown
/// (to another instance, or to this one after a restart).
pub const RECONNECT_AFTER: Duration = Duration::from_secs(2);

/// A stream's last event, with a `retry:` hint when it ends because the server is
/// shutting down.
pub fn with_reconnect_hint(
    event: axum::response::sse::Event,
    shutdown: &tokio_util::sync::CancellationToken,
) -> axum::response::sse::Event {
    if shutdown.is_cancelled() {
        event.retry(RECONNECT_AFTER)
    } else {
        event
    }
}
