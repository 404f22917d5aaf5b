//! The staff console's web UI and OpenAPI document: served under `/staff/` on the staff
//! listener and nowhere on the public one, with the console's copy of the document
//! (from which its TypeScript types are generated) kept current.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    admin_helpers::no_redirects,
    helpers::{assert_problem, spawn_app, spawn_with, TestApp},
};

const INDEX: &str = "<!doctype html><title>管理后台</title><div id=app></div>";
const ASSET: &str = "console.log('console')";

async fn spawn_with_console() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("index.html"), INDEX).unwrap();
    std::fs::write(dir.path().join("assets/index-7c1d2e.js"), ASSET).unwrap();
    let console_dir = dir.path().display().to_string();
    let app = spawn_with(|config| config.web.console_dir = console_dir).await;
    (app, dir)
}

#[tokio::test]
async fn the_console_is_served_under_staff_on_the_staff_listener() {
    let (app, _dir) = spawn_with_console().await;
    for path in ["/staff/", "/staff/users/abc", "/staff/audit?action=ban"] {
        let page = reqwest::get(format!("{}{path}", app.staff)).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        assert_eq!(page.text().await.unwrap(), INDEX, "{path}");
    }
    let asset = reqwest::get(format!("{}/staff/assets/index-7c1d2e.js", app.staff)).await.unwrap();
    assert_eq!(asset.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(asset.text().await.unwrap(), ASSET);
    // The console API keeps its own answers: an unknown API path is not the app.
    let unknown = reqwest::get(format!("{}/staff/admin/nothing-here", app.staff)).await.unwrap();
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let me = reqwest::get(format!("{}/staff/admin/me", app.staff)).await.unwrap();
    assert_problem(me, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

/// Every console route (from its OpenAPI document), its sign-in routes, its document and
/// its files: none answers on the public listener, whatever the method or credentials.
#[tokio::test]
async fn nothing_of_the_console_answers_on_the_public_listener() {
    let (app, _dir) = spawn_with_console().await;
    let staff = app.staff_sign_in("staff-admin").await;
    let document: Value =
        reqwest::get(format!("{}/staff/admin/openapi.json", app.staff)).await.unwrap().json().await.unwrap();
    let mut routes: Vec<(Method, String)> = vec![
        (Method::GET, "/staff/".into()),
        (Method::GET, "/staff/users/abc".into()),
        (Method::GET, "/staff/assets/index-7c1d2e.js".into()),
        (Method::GET, "/staff/admin/openapi.json".into()),
        (Method::GET, "/staff/admin/auth/login".into()),
        (Method::GET, "/staff/admin/auth/callback?code=x&state=y".into()),
    ];
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{kind}", "post").replace(['{', '}'], "");
            routes.push((method.to_uppercase().parse().unwrap(), format!("/staff/admin{concrete}")));
        }
    }
    assert!(routes.len() > 20, "the document lists the console's routes");
    for (method, path) in routes {
        let response = no_redirects()
            .request(method.clone(), app.url(&path))
            .header(header::COOKIE, &staff.cookie)
            .header("x-csrf-token", &staff.csrf)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path} on the public listener");
    }
}

/// The console's API types are generated from `web/console/src/api/openapi.json`
/// (`npm run api:types` in `web/`); this fails when that copy is stale. Run with
/// `YUJIE_UPDATE_OPENAPI=1` to rewrite it, then regenerate the types.
#[tokio::test]
async fn the_consoles_copy_of_its_openapi_document_is_current() {
    let app = spawn_app().await;
    let live: Value =
        reqwest::get(format!("{}/staff/admin/openapi.json", app.staff)).await.unwrap().json().await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/console/src/api/openapi.json");
    if std::env::var_os("YUJIE_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&live).unwrap() + "\n").unwrap();
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(
        committed == live,
        "web/console/src/api/openapi.json is stale: run `YUJIE_UPDATE_OPENAPI=1 cargo nextest run -p yujie --test api admin_console`, then `npm run api:types` in web/"
    );
    let text = live.to_string();
    for schema in ["QueueEntry", "AuthorHistory", "UserDetail", "AuditPage", "SyncState", "WordPage", "HitPage"] {
        assert!(live["components"]["schemas"][schema].is_object(), "{schema} is documented");
    }
    assert!(!text.contains("\"#/components/schemas/Value\""), "no untyped answers");
}
