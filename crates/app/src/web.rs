//! The single-page apps: the user web app (`web.dir`) on the public listener, and the
//! staff console (`web.console_dir`) under `/staff/` on the staff listener. Hashed assets
//! are cached for a year, and `index.html` answers every other path so the app's own
//! router resolves it (a reload on `/posts/42` works). API paths never fall through to
//! an app: an unknown one is a problem+json 404.

use std::{convert::Infallible, path::Path};

use axum::{
    extract::Request,
    http::{header, HeaderValue, Method, StatusCode},
    response::{IntoResponse as _, Response},
};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};
use yujie_kernel::{config::WebConfig, http::not_found, ApiError, ErrorCode};

/// Paths of the public listener that belong to the server, not to the web app.
const PUBLIC_SERVER_PREFIXES: &[&str] =
    &["/api/", "/media/", "/_standin/", "/healthz", "/readyz", "/staff/", "/internal/", "/metrics"];
/// Under `/staff/` on the staff listener, the console API's prefix (as the console sees
/// paths, without `/staff`).
const CONSOLE_SERVER_PREFIXES: &[&str] = &["/admin/"];
/// Vite writes content-hashed file names here.
const HASHED_ASSETS: &str = "/assets/";
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

#[derive(Clone)]
pub struct WebApp {
    files: ServeDir,
    index: ServeFile,
    server_prefixes: &'static [&'static str],
}

impl WebApp {
    /// The user web app in `config.dir`, if it has been built there.
    pub fn user_app(config: &WebConfig) -> Option<Self> {
        Self::load(&config.dir, PUBLIC_SERVER_PREFIXES, "web app", "the public listener serves the API only")
    }

    /// The staff console in `config.console_dir`, if it has been built there.
    pub fn console(config: &WebConfig) -> Option<Self> {
        Self::load(
            &config.console_dir,
            CONSOLE_SERVER_PREFIXES,
            "staff console",
            "the staff listener serves its API only",
        )
    }

    fn load(dir: &str, server_prefixes: &'static [&'static str], what: &str, without: &str) -> Option<Self> {
        let index = Path::new(dir).join("index.html");
        if dir.is_empty() || !index.is_file() {
            tracing::info!(dir, "no built {what} (index.html) there: {without}");
            return None;
        }
        let files = ServeDir::new(dir).precompressed_gzip();
        Some(Self { files, index: ServeFile::new(index).precompressed_gzip(), server_prefixes })
    }
}

/// The fallback of the listener (or of `/staff/`) that serves the app.
pub async fn serve_app(app: WebApp, request: Request) -> Response {
    let path = request.uri().path();
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    if app.server_prefixes.iter().any(|prefix| path.starts_with(prefix)) {
        return if readable {
            not_found().await.into_response()
        } else {
            ApiError::new(ErrorCode::MethodNotAllowed).into_response()
        };
    }
    if !readable {
        return ApiError::new(ErrorCode::MethodNotAllowed).into_response();
    }
    let hashed = path.starts_with(HASHED_ASSETS);
    let mut index_request = Request::builder().uri("/");
    if let Some(accepted) = request.headers().get(header::ACCEPT_ENCODING) {
        index_request = index_request.header(header::ACCEPT_ENCODING, accepted);
    }
    let index_request = index_request.body(axum::body::Body::empty()).ok();
    let mut response = into_response(app.files.oneshot(request).await);
    if response.status() == StatusCode::NOT_FOUND {
        if hashed {
            return not_found().await.into_response();
        }
        if let Some(index_request) = index_request {
            response = into_response(app.index.oneshot(index_request).await);
        }
    }
    let cache = if hashed && response.status().is_success() { IMMUTABLE } else { REVALIDATE };
    response.headers_mut().insert(header::CACHE_CONTROL, cache);
    response
}

fn into_response<B>(result: Result<axum::http::Response<B>, Infallible>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    match result {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}
