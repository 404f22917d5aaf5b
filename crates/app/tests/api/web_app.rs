//! The web app on the public listener: its files, the SPA fallback, caching, and the API
//! paths it never shadows; and the OpenAPI document the app's types are generated from.

use reqwest::{header, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app, spawn_with, TestApp};

const INDEX: &str = "<!doctype html><title>御姐加油站</title><div id=app></div>";
const ASSET: &str = "console.log('app')";

async fn spawn_with_web_app() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("index.html"), INDEX).unwrap();
    std::fs::write(dir.path().join("favicon.svg"), "<svg/>").unwrap();
    std::fs::write(dir.path().join("assets/index-3f2a9c.js"), ASSET).unwrap();
    // What web/scripts/precompress.mjs writes beside each file at build time.
    std::fs::write(dir.path().join("assets/index-3f2a9c.js.gz"), gzip(ASSET)).unwrap();
    std::fs::write(dir.path().join("index.html.gz"), gzip(INDEX)).unwrap();
    let web_dir = dir.path().display().to_string();
    let app = spawn_with(|config| config.web.dir = web_dir).await;
    (app, dir)
}

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

fn cache_control(response: &reqwest::Response) -> &str {
    response.headers().get(header::CACHE_CONTROL).and_then(|value| value.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn app_routes_answer_the_index_that_must_be_revalidated() {
    let (app, _dir) = spawn_with_web_app().await;
    for path in ["/", "/posts/42", "/personas/abc?tab=posts", "/me"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(cache_control(&response), "no-cache", "{path}");
        assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{path}");
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_a_missing_one_is_a_404_not_the_index() {
    let (app, _dir) = spawn_with_web_app().await;
    let response = app.get("/assets/index-3f2a9c.js", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(cache_control(&response), "public, max-age=31536000, immutable");
    assert_eq!(response.text().await.unwrap(), ASSET);

    let favicon = app.get("/favicon.svg", None).await;
    assert_eq!(favicon.status(), StatusCode::OK);
    assert_eq!(cache_control(&favicon), "no-cache");

    assert_problem(app.get("/assets/index-000000.js", None).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn browsers_that_accept_gzip_get_the_precompressed_files() {
    let (app, _dir) = spawn_with_web_app().await;
    for (path, body) in [("/assets/index-3f2a9c.js", ASSET), ("/posts/42", INDEX), ("/", INDEX)] {
        let response = app.http.get(app.url(path)).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers().get(header::CONTENT_ENCODING).map(|value| value.as_bytes()),
            Some(&b"gzip"[..]),
            "{path}"
        );
        let compressed = response.bytes().await.unwrap();
        assert_eq!(compressed.as_ref(), gzip(body).as_slice(), "{path}");
        let plain = app.get(path, None).await;
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none(), "{path}");
        assert_eq!(plain.text().await.unwrap(), body, "{path}");
    }
}

#[tokio::test]
async fn api_paths_are_never_answered_by_the_app() {
    let (app, _dir) = spawn_with_web_app().await;
    assert_problem(app.get("/api/v1/no-such-route", None).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(app.get("/media/no-such-object", None).await, StatusCode::NOT_FOUND, "not_found").await;
    // The staff console and the internal APIs live on the staff listener only.
    for path in ["/staff/", "/staff/admin/auth/login", "/internal/safety/words", "/metrics"] {
        assert_problem(app.get(path, None).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let post = app.http.post(app.url("/posts/42")).send().await.unwrap();
    assert_problem(post, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    // Real API routes still answer as before.
    let plans = app.get("/api/v1/billing/plans", None).await;
    assert_eq!(plans.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_staff_listener_never_serves_the_app() {
    let (app, _dir) = spawn_with_web_app().await;
    for path in ["/", "/assets/index-3f2a9c.js", "/posts/42"] {
        let response = app.http.get(format!("{}{path}", app.staff)).send().await.unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn without_a_built_app_unknown_paths_are_problem_404s() {
    let app = spawn_app().await;
    assert_problem(app.get("/posts/42", None).await, StatusCode::NOT_FOUND, "not_found").await;
}

/// The web app's API types are generated from `web/src/api/openapi.json`
/// (`npm run api:types` in `web/`); this fails when that copy is stale. Run with
/// `YUJIE_UPDATE_OPENAPI=1` to rewrite it, then regenerate the types.
#[tokio::test]
async fn the_web_apps_copy_of_the_openapi_document_is_current() {
    let app = spawn_app().await;
    let live: Value = app.get("/api/openapi.json", None).await.json().await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/src/api/openapi.json");
    if std::env::var_os("YUJIE_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&live).unwrap() + "\n").unwrap();
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(
        committed == live,
        "web/src/api/openapi.json is stale: run `YUJIE_UPDATE_OPENAPI=1 cargo nextest run -p yujie --test api web_app`, then `npm run api:types` in web/"
    );
}

/// Every `$ref` in the public document names a schema it defines (code generators such as
/// openapi-typescript refuse a dangling one).
#[tokio::test]
async fn every_schema_reference_in_the_openapi_document_resolves() {
    let app = spawn_app().await;
    let document: Value = app.get("/api/openapi.json", None).await.json().await.unwrap();
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let mut dangling = Vec::new();
    let mut pending = vec![&document];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let name = target.trim_start_matches("#/components/schemas/");
                    if !schemas.contains_key(name) {
                        dangling.push(target.clone());
                    }
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}
