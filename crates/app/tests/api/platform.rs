//! What every service gets from the shared middleware.

use reqwest::StatusCode;
use serde_json::{json, Value};
use yujie_kernel::config::RateRule;

use crate::helpers::{assert_problem, is_mysql, spawn_app, spawn_with};

#[tokio::test]
async fn health_and_readiness_report_the_backends() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let ready: Value = app.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
    let expected = if is_mysql() { ("mysql", "redis") } else { ("sqlite", "memory") };
    assert_eq!((ready["backends"]["database"].as_str().unwrap(), ready["backends"]["kv"].as_str().unwrap()), expected);
    let staff = app.http.get(format!("{}/readyz", app.staff)).send().await.unwrap();
    assert_eq!(staff.status(), StatusCode::OK);
}

#[tokio::test]
async fn metrics_are_labelled_by_route_and_served_only_to_staff() {
    let app = spawn_app().await;
    app.get("/api/v1/auth/wechat/logins/some-id-1?timeout_secs=0", None).await;
    app.get("/api/v1/auth/wechat/logins/some-id-2?timeout_secs=0", None).await;
    app.sign_in().await;
    assert_eq!(app.get("/metrics", None).await.status(), StatusCode::NOT_FOUND);
    let text = app.metrics().await;
    assert!(
        text.contains(r#"yujie_http_requests_total{listener="public",method="GET",route="/api/v1/auth/wechat/logins/{login_id}",status="404"} 2"#),
        "{text}"
    );
    assert!(!text.contains("some-id-1"), "raw paths never become labels");
    assert!(text.contains("yujie_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"yujie_identity_logins_total{outcome="completed"} 1"#));
    assert!(text.contains(r#"yujie_identity_wechat_events_total{outcome="accepted"} 1"#));
}

#[tokio::test]
async fn invented_methods_and_unknown_paths_do_not_grow_metric_series() {
    let app = spawn_app().await;
    for n in 0..5 {
        let method = reqwest::Method::from_bytes(format!("R{n}XYZ").as_bytes()).unwrap();
        app.http.request(method, app.url(&format!("/api/v1/nothing/{n}"))).send().await.unwrap();
    }
    let text = app.metrics().await;
    assert!(!text.contains("XYZ") && !text.contains("/api/v1/nothing"), "{text}");
    assert!(
        text.contains(
            r#"yujie_http_requests_total{listener="public",method="other",route="unmatched",status="404"} 5"#
        ),
        "{text}"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_public_api() {
    let app = spawn_app().await;
    let document: Value = app.get("/api/openapi.json", None).await.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/wechat/logins",
        "/api/v1/auth/wechat/logins/{login_id}",
        "/api/v1/auth/refresh",
        "/api/v1/me",
        "/api/v1/me/avatar",
        "/api/v1/auth/wechat/callback",
    ] {
        assert!(paths.contains_key(path), "{path} missing");
    }
    assert!(paths.keys().all(|path| !path.starts_with("/internal")), "internal routes are not public API");
    assert!(document["components"]["schemas"]["Problem"].is_object());
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    // Query parameters are in the query, and errors are problem+json with the common
    // answers documented on every operation.
    let feed = &document["paths"]["/api/v1/posts"]["get"];
    let places: Vec<(&str, &str)> = feed["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
        .collect();
    assert_eq!(places, [("sort", "query"), ("cursor", "query"), ("limit", "query")]);
    for status in ["400", "422", "429", "500"] {
        let content = &feed["responses"][status]["content"];
        assert!(content["application/problem+json"]["schema"]["$ref"].is_string(), "{status}: {content}");
    }
    let delete = &document["paths"]["/api/v1/posts/{post_id}"]["delete"]["responses"];
    assert!(delete["401"].is_object() && delete["404"].is_object(), "{delete}");
}

/// What the framework refuses before a handler runs is a problem too.
#[tokio::test]
async fn framework_refusals_are_problem_json() {
    let app = spawn_app().await;
    let member = app.sign_in().await;
    let not_multipart = app
        .http
        .put(app.url("/api/v1/me/avatar"))
        .header("authorization", format!("Bearer {}", member.access_token))
        .header("content-type", "multipart/form-data")
        .body("no boundary")
        .send()
        .await
        .unwrap();
    assert_problem(not_multipart, StatusCode::BAD_REQUEST, "malformed_body").await;
    let json_instead = app
        .http
        .put(app.url("/api/v1/me/avatar"))
        .header("authorization", format!("Bearer {}", member.access_token))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(json_instead, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let huge = "x".repeat(2 << 20);
    for path in ["/api/v1/auth/wechat/callback", "/api/v1/billing/notify/wechatpay", "/api/v1/billing/notify/alipay"] {
        let response = app.http.post(app.url(path)).body(huge.clone()).send().await.unwrap();
        assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    }
    let long_uri = app.get(&format!("/api/v1/posts?cursor={}", "a".repeat(9000)), None).await;
    assert_problem(long_uri, StatusCode::URI_TOO_LONG, "uri_too_long").await;
    let big_headers = app.http.get(app.url("/healthz")).header("x-padding", "p".repeat(40_000)).send().await.unwrap();
    assert_problem(big_headers, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large").await;
}

/// A storage failure is a server error with a request id to quote, never a client error
/// and never the database's message: a query the database refuses is a 500 `internal`; a
/// database out of reach (here: the pool closed) is a 503 `unavailable` with Retry-After,
/// in every service.
#[tokio::test]
async fn a_storage_failure_is_a_server_error_with_a_request_id_in_every_service() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    // Signed in a moment ago: the session check is answered from its one-second cache,
    // so each request below reaches its service's own store.
    assert_eq!(app.get("/api/v1/me", Some(&user.access_token)).await.status(), StatusCode::OK);
    let request_id = |response: &reqwest::Response| {
        response.headers().get("x-request-id").map(|id| id.to_str().unwrap().to_owned()).unwrap_or_default()
    };
    sqlx::query("ALTER TABLE posts RENAME TO posts_gone").execute(app.platform.db.pool()).await.unwrap();
    let refused = app.get("/api/v1/me/posts", Some(&user.access_token)).await;
    assert!(request_id(&refused).len() >= 32, "no request id");
    let body = assert_problem(refused, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    assert!(body.get("detail").is_none(), "the cause stays in the log: {body}");

    let staff = app.staff_sign_in("staff-moderator").await;
    app.platform.db.pool().close().await;
    for (service, path) in [
        ("identity", "/api/v1/me"),
        ("billing", "/api/v1/billing/orders"),
        ("content", "/api/v1/me/posts"),
        ("companion", "/api/v1/companion/conversations"),
        ("admin", "/staff/admin/audit"),
    ] {
        let response = match service {
            "admin" => staff.send(&app, reqwest::Method::GET, "/audit", None, true).await,
            _ => app.get(path, Some(&user.access_token)).await,
        };
        assert!(request_id(&response).len() >= 32, "{service}: no request id");
        assert_eq!(response.headers()[reqwest::header::RETRY_AFTER], "5", "{service}");
        let body = assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
        assert!(body.get("detail").is_none(), "{service}: the cause stays in the log: {body}");
    }
}

#[tokio::test]
async fn errors_are_problem_json() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/nothing-here", None).await, StatusCode::NOT_FOUND, "not_found").await;
    let response = app.http.delete(app.url("/api/v1/me")).send().await.unwrap();
    assert_problem(response, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let response = app
        .http
        .post(app.url("/api/v1/auth/refresh"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_body").await;
    let response = app.http.post(app.url("/api/v1/auth/refresh")).body("refresh_token=x").send().await.unwrap();
    assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let response = app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": 42 })).await;
    let body = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(body["errors"][0]["field"], "refresh_token");
    let response = app.get("/api/v1/me", Some("garbage")).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let app = spawn_with(|config| config.http.max_body_bytes = 1024).await;
    let response = app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": "x".repeat(2048) })).await;
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_the_callers() {
    let app = spawn_app().await;
    let response = app.get("/healthz", None).await;
    let generated = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 36);
    let response = app.http.get(app.url("/healthz")).header("x-request-id", "trace-abc-123").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-abc-123");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = spawn_with(|config| config.http.cors_allowed_origins = vec!["https://yujie.pages.dev".into()]).await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/me"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("https://yujie.pages.dev").await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://yujie.pages.dev");
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("login_qr".into(), RateRule::new(2, 60));
    })
    .await;
    app.create_login().await;
    app.create_login().await;
    let response = app.http.post(app.url("/api/v1/auth/wechat/logins")).send().await.unwrap();
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other routes have their own budget.
    assert_eq!(app.get("/api/v1/auth/wechat/logins/x?timeout_secs=0", None).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn production_mode_refuses_local_defaults_and_says_why() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_yujie"))
        .arg("serve")
        .env("YUJIE_MODE", "production")
        .env("YUJIE_PUBLIC__BIND", "127.0.0.1:0")
        .env("YUJIE_STAFF__BIND", "127.0.0.1:0")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for key in ["auth.jwt_secret", "internal.token", "wechat.app_secret", "standins.enabled"] {
        assert!(stderr.contains(key), "{key} not named in: {stderr}");
    }
    assert!(!stderr.contains(yujie_kernel::config::local_defaults::JWT_SECRET), "secrets stay out of messages");
}

#[tokio::test]
async fn check_config_prints_no_secret() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_yujie"))
        .arg("check-config")
        .env("YUJIE_AUTH__JWT_SECRET", "a-very-secret-value-of-some-length-0001")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("jwt_secret: Secret(<redacted>)"), "{stdout}");
    assert!(!stdout.contains("a-very-secret-value"));
}

#[tokio::test]
async fn a_payment_key_that_does_not_parse_stops_the_start() {
    let backend = crate::helpers::TestBackend::new().await;
    let mut config = backend.config();
    config.billing.alipay.alipay_public_key = "MIIBI-truncated".into();
    let started = yujie::Application::build(config, yujie::ServiceSet::all(), yujie_kernel::Clock::system()).await;
    let error = format!("{:#}", started.err().expect("the start is refused"));
    assert!(error.contains("billing.alipay.alipay_public_key does not parse"), "{error}");
}

/// A migration job in production carries only the shared secrets: `migrate` checks the
/// shared part, while serving the same services needs their own sections' secrets.
#[tokio::test]
async fn migrations_in_production_need_only_the_shared_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_yujie"))
            .args(args)
            .env("YUJIE_MODE", "production")
            .env("YUJIE_STANDINS__ENABLED", "false")
            .env("YUJIE_DATABASE__URL", format!("sqlite://{}?mode=rwc", dir.path().join("yujie.db").display()))
            .env("YUJIE_STORAGE__LOCAL_DIR", dir.path().join("objects"))
            .env("YUJIE_AUTH__JWT_SECRET", "a-production-jwt-secret-of-32-bytes-or-more")
            .env("YUJIE_INTERNAL__TOKEN", "a-production-internal-token-of-32-bytes-or-more")
            .env("YUJIE_LOG__FILTER", "warn")
            .output()
            .unwrap()
    };
    let migrated = run(&["migrate"]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    let serving = run(&["check-config", "--only", "identity"]);
    let refused = String::from_utf8_lossy(&serving.stderr);
    assert_eq!(serving.status.code(), Some(2), "{refused}");
    assert!(refused.contains("wechat."), "{refused}");
}
