use std::{
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use axum::extract::State;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app, spawn_with};

#[tokio::test]
async fn a_new_user_signs_in_reads_me_refreshes_and_logs_out() {
    let app = spawn_app().await;

    // 1. a QR code
    let login = app.create_login().await;
    let login_id = login["login_id"].as_str().unwrap().to_owned();
    assert!(login["qr_content"].as_str().unwrap().starts_with("http://weixin.qq.com/q/"));
    assert!(login["qr_image_url"].as_str().unwrap().contains("showqrcode?ticket="));

    // 2. the browser waits while 3. 模拟扫码 happens
    let waiting = {
        let app_url = app.url(&format!("/api/v1/auth/wechat/logins/{login_id}?timeout_secs=10"));
        let http = app.http.clone();
        tokio::spawn(async move { http.get(app_url).send().await.unwrap() })
    };
    let scan = app.simulate_scan(login["ticket"].as_str().unwrap(), None, None).await;
    assert_eq!(scan.callback_status, Some(200));
    assert_eq!(scan.event, "subscribe", "a first scan is a new follower");
    assert!(scan.reply.unwrap().contains("扫码成功"), "the encrypted reply decrypts and verifies");

    let response = waiting.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["status"], "completed");
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["user"]["nickname"].as_str().unwrap().starts_with("加油站用户"));
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();

    // 4. /me
    let me: Value = app.get("/api/v1/me", Some(access)).await.json().await.unwrap();
    assert_eq!(me["id"], tokens["user"]["id"]);
    assert_eq!(me["is_member"], false);

    // 5. refresh
    let response = app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": refresh })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let refreshed: Value = response.json().await.unwrap();
    assert_ne!(refreshed["refresh_token"], tokens["refresh_token"], "refresh tokens rotate");
    let new_access = refreshed["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", Some(new_access)).await.status(), StatusCode::OK);

    // 6. logout: the session's tokens stop working
    let response = app.post_json("/api/v1/auth/logout", Some(new_access), &json!({})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get("/api/v1/me", Some(new_access)).await, StatusCode::UNAUTHORIZED, "session_revoked").await;
    let response =
        app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": refreshed["refresh_token"] })).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "session_revoked").await;
}

#[tokio::test]
async fn a_returning_follower_scans_and_gets_the_same_account() {
    let app = spawn_app().await;
    let first = app.sign_in().await;
    let login = app.create_login().await;
    let scan = app.simulate_scan(login["ticket"].as_str().unwrap(), Some(&first.openid), None).await;
    assert_eq!(scan.event, "SCAN");
    let body: Value = app.wait_login(login["login_id"].as_str().unwrap(), 5).await.json().await.unwrap();
    assert_eq!(body["user"]["id"].as_str().unwrap(), first.user_id);
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn the_wait_answers_pending_after_its_timeout_and_refuses_bad_timeouts() {
    let app = spawn_app().await;
    let login = app.create_login().await;
    let login_id = login["login_id"].as_str().unwrap();
    let started = std::time::Instant::now();
    let response = app.wait_login(login_id, 1).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(900), "the long-poll held the request");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "pending");

    let body =
        assert_problem(app.wait_login(login_id, 31).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(body["errors"][0]["field"], "timeout_secs");
    assert_problem(app.wait_login("unknown", 0).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn server_sent_events_deliver_the_completion() {
    let app = spawn_app().await;
    let login = app.create_login().await;
    let login_id = login["login_id"].as_str().unwrap().to_owned();
    let events = app.get(&format!("/api/v1/auth/wechat/logins/{login_id}/events"), None).await;
    assert_eq!(events.status(), StatusCode::OK);
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    app.simulate_scan(login["ticket"].as_str().unwrap(), None, None).await;
    let text = tokio::time::timeout(Duration::from_secs(10), events.text()).await.unwrap().unwrap();
    assert!(text.contains("event: completed"), "{text}");
    let data = text.lines().find_map(|line| line.strip_prefix("data: ")).unwrap();
    let body: Value = serde_json::from_str(data).unwrap();
    assert!(body["access_token"].as_str().is_some());
}

#[tokio::test]
async fn an_expired_qr_code_cannot_complete_and_registers_nobody() {
    let app = spawn_with(|config| config.wechat.qr_expire_secs = 60).await;
    let login = app.create_login().await;
    let login_id = login["login_id"].as_str().unwrap();
    app.platform.clock.advance(Duration::from_secs(61));

    let scan = app.simulate_scan(login["ticket"].as_str().unwrap(), None, None).await;
    assert_eq!(scan.callback_status, Some(200), "an authentic push is answered so WeChat stops retrying");
    assert!(scan.reply.unwrap().contains("已过期"));
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.attempt_status(login_id).await, "pending");
    assert_problem(app.wait_login(login_id, 1).await, StatusCode::GONE, "login_expired").await;
}

#[tokio::test]
async fn a_scene_is_used_once() {
    let app = spawn_app().await;
    let login = app.create_login().await;
    let (login_id, ticket) = (login["login_id"].as_str().unwrap(), login["ticket"].as_str().unwrap());
    app.simulate_scan(ticket, Some("oFirstScanner"), None).await;
    assert_eq!(app.wait_login(login_id, 5).await.status(), StatusCode::OK);
    let sessions = app.count("sessions").await;

    let second = app.simulate_scan(ticket, Some("oSecondScanner"), None).await;
    assert_eq!(second.callback_status, Some(200));
    assert!(second.reply.unwrap().contains("已使用"));
    assert_eq!(app.count("users").await, 1, "the second scanner was not registered");
    assert_problem(app.wait_login(login_id, 1).await, StatusCode::GONE, "login_already_used").await;
    assert_eq!(app.count("sessions").await, sessions, "no second session");
}

#[tokio::test]
async fn an_expired_cached_access_token_is_refreshed_once() {
    let recorder = WechatRecorder::start().await;
    let api_base = recorder.url.clone();
    let app = spawn_with(|config| config.wechat.api_base = api_base).await;
    recorder.forward_to(app.url("/_standin/wechat"));
    app.create_login().await;
    assert_eq!(recorder.take(), ["stable_token", "qrcode/create"]);
    app.create_login().await;
    assert_eq!(recorder.take(), ["qrcode/create"], "the token is cached");

    // Fetching a token by the old API rotates it at the stand-in, as at WeChat: our
    // cached token is now invalid, and the next QR creation must recover.
    let config = &app.config.wechat;
    let rotate = app
        .get(
            &format!(
                "/_standin/wechat/cgi-bin/token?grant_type=client_credential&appid={}&secret={}",
                config.appid,
                config.app_secret.expose()
            ),
            None,
        )
        .await;
    assert_eq!(rotate.status(), StatusCode::OK);
    app.create_login().await;
    assert_eq!(recorder.take(), ["qrcode/create", "stable_token force_refresh", "qrcode/create"]);
    app.create_login().await;
    assert_eq!(recorder.take(), ["qrcode/create"], "the refreshed token is cached");
}

/// A proxy in front of the WeChat stand-in that writes down every call we make to
/// WeChat: the path, and `force_refresh` when a token fetch asks for it.
struct WechatRecorder {
    url: String,
    calls: Arc<Mutex<Vec<String>>>,
    target: Arc<OnceLock<String>>,
}

impl WechatRecorder {
    async fn start() -> Self {
        let (calls, target) = (Arc::new(Mutex::new(Vec::new())), Arc::new(OnceLock::new()));
        let state = (calls.clone(), target.clone(), reqwest::Client::new());
        let router = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { url, calls, target }
    }

    fn forward_to(&self, base: String) {
        self.target.set(base).unwrap();
    }

    /// The calls since the last `take`.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

type RecorderState = (Arc<Mutex<Vec<String>>>, Arc<OnceLock<String>>, reqwest::Client);

async fn forward(
    State((calls, target, http)): State<RecorderState>,
    uri: axum::http::Uri,
    body: axum::body::Bytes,
) -> (StatusCode, axum::body::Bytes) {
    let path = uri.path().trim_start_matches("/cgi-bin/").to_owned();
    let request: Value = serde_json::from_slice(&body).unwrap_or_default();
    let call = if request["force_refresh"] == true { format!("{path} force_refresh") } else { path };
    calls.lock().unwrap().push(call);
    let url = format!("{}{}", target.get().unwrap(), uri.path_and_query().unwrap());
    let response = http.post(url).header("content-type", "application/json").body(body).send().await.unwrap();
    (response.status(), response.bytes().await.unwrap())
}

#[tokio::test]
async fn an_unreachable_wechat_gives_a_clear_upstream_error() {
    let app = spawn_with(|config| config.wechat.api_base = "http://127.0.0.1:9".into()).await;
    let response = app.http.post(app.url("/api/v1/auth/wechat/logins")).send().await.unwrap();
    assert_problem(response, StatusCode::BAD_GATEWAY, "upstream_failed").await;
}
