//! The callback refuses anything WeChat did not send, and changes nothing when it does.

use reqwest::StatusCode;
use serde_json::Value;
use yujie_identity::WechatMessageMode;
use yujie_standins::wechat::scan_event_xml;

use crate::helpers::{assert_problem, spawn_app, spawn_with, TestApp};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A fresh attempt and the XML of its scan by `openid`, signed and sent by the test.
async fn prepared_scan(app: &TestApp, openid: &str) -> (String, String, String) {
    let login = app.create_login().await;
    let ticket = login["ticket"].as_str().unwrap().to_owned();
    let scan = app.undelivered_scan(&ticket, openid).await;
    assert_eq!(scan.callback_status, None);
    let xml = scan_event_xml(&app.wechat_peer().account_id, openid, &scan.scene, &ticket, now(), true);
    (login["login_id"].as_str().unwrap().to_owned(), ticket, xml)
}

#[tokio::test]
async fn url_verification_echoes_only_when_signed() {
    let app = spawn_app().await;
    let push = app.wechat_peer().push("", now());
    let mut query: Vec<(String, String)> =
        push.query.into_iter().filter(|(k, _)| k != "encrypt_type" && k != "msg_signature").collect();
    query.push(("echostr".into(), "echo-7731".into()));
    let response = app.http.get(app.url("/api/v1/auth/wechat/callback")).query(&query).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "echo-7731");

    query[0].1 = "0".repeat(40);
    let response = app.http.get(app.url("/api/v1/auth/wechat/callback")).query(&query).send().await.unwrap();
    assert_problem(response, StatusCode::FORBIDDEN, "invalid_signature").await;
}

async fn assert_nothing_changed(app: &TestApp, login_id: &str) {
    assert_eq!(app.count("users").await, 0, "no user was registered");
    assert_eq!(app.attempt_status(login_id).await, "pending");
    let body: Value = app.wait_login(login_id, 0).await.json().await.unwrap();
    assert_eq!(body["status"], "pending");
}

#[tokio::test]
async fn forged_and_unsigned_pushes_are_refused() {
    let app = spawn_app().await;
    let (login_id, _, xml) = prepared_scan(&app, "oForger").await;
    let push = app.wechat_peer().push(&xml, now());

    let mut forged = push.query.clone();
    forged.iter_mut().find(|(k, _)| k == "signature").unwrap().1 = "f".repeat(40);
    assert_problem(app.push(&forged, &push.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;

    let mut forged_message = push.query.clone();
    forged_message.iter_mut().find(|(k, _)| k == "msg_signature").unwrap().1 = "0".repeat(40);
    assert_problem(app.push(&forged_message, &push.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;

    assert_problem(app.push(&[], &push.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;

    let mut wrong_key = app.wechat_peer();
    wrong_key.aes_key = Some([7u8; 32]);
    let other = wrong_key.push(&xml, now());
    assert_problem(app.push(&other.query, &other.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;

    let mut wrong_token = app.wechat_peer();
    wrong_token.token = "not-our-token".into();
    let other = wrong_token.push(&xml, now());
    assert_problem(app.push(&other.query, &other.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;

    assert_nothing_changed(&app, &login_id).await;
}

#[tokio::test]
async fn a_stale_timestamp_is_refused() {
    let app = spawn_app().await;
    let (login_id, _, xml) = prepared_scan(&app, "oStale").await;
    let push = app.wechat_peer().push(&xml, now() - 301);
    assert_problem(app.push(&push.query, &push.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;
    assert_nothing_changed(&app, &login_id).await;
}

#[tokio::test]
async fn malformed_xml_is_refused() {
    let app = spawn_app().await;
    let (login_id, _, _) = prepared_scan(&app, "oBroken").await;
    let peer = app.wechat_peer();
    let broken_inside = peer.push("<xml><ToUserName>gh</ToUserName><FromUser", now());
    assert_problem(
        app.push(&broken_inside.query, &broken_inside.body).await,
        StatusCode::BAD_REQUEST,
        "malformed_body",
    )
    .await;
    let broken_envelope = peer.push("<xml/>", now());
    assert_problem(app.push(&broken_envelope.query, "<xml><Encrypt>").await, StatusCode::BAD_REQUEST, "malformed_body")
        .await;
    assert_nothing_changed(&app, &login_id).await;
}

#[tokio::test]
async fn a_replayed_event_changes_nothing() {
    let app = spawn_app().await;
    let login = app.create_login().await;
    let login_id = login["login_id"].as_str().unwrap();
    let scan = app.simulate_scan(login["ticket"].as_str().unwrap(), None, None).await;
    assert_eq!(app.wait_login(login_id, 5).await.status(), StatusCode::OK);
    let (users, sessions) = (app.count("users").await, app.count("sessions").await);

    // WeChat's retry, and an attacker's replay with a fresh signature of the same event.
    let replay = app.push(&scan.push.query, &scan.push.body).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.text().await.unwrap(), "success");
    assert_eq!((app.count("users").await, app.count("sessions").await), (users, sessions));
    assert_eq!(app.attempt_status(login_id).await, "completed");
}

#[tokio::test]
async fn plain_mode_works_and_safe_mode_refuses_plain_pushes() {
    let plain = spawn_with(|config| config.wechat.message_mode = WechatMessageMode::Plain).await;
    let session = plain.sign_in().await;
    assert!(!session.access_token.is_empty());

    let safe = spawn_app().await;
    let (login_id, _, xml) = prepared_scan(&safe, "oPlain").await;
    let mut plain_peer = safe.wechat_peer();
    plain_peer.aes_key = None;
    let push = plain_peer.push(&xml, now());
    assert_problem(safe.push(&push.query, &push.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;
    assert_nothing_changed(&safe, &login_id).await;
}

#[tokio::test]
async fn compatible_mode_accepts_both_forms() {
    let app = spawn_with(|config| config.wechat.message_mode = WechatMessageMode::Compatible).await;
    let (login_id, _, xml) = prepared_scan(&app, "oCompat").await;
    let mut plain_peer = app.wechat_peer();
    plain_peer.aes_key = None;
    let push = plain_peer.push(&xml, now());
    assert_eq!(app.push(&push.query, &push.body).await.status(), StatusCode::OK);
    assert_eq!(app.attempt_status(&login_id).await, "scanned");
    app.sign_in().await;
}

#[tokio::test]
async fn a_push_addressed_to_another_account_is_refused() {
    let app = spawn_app().await;
    let (login_id, ticket, _) = prepared_scan(&app, "oElsewhere").await;
    let scene = app.undelivered_scan(&ticket, "oElsewhere").await.scene;
    let xml = scan_event_xml("gh_someoneelse01", "oElsewhere", &scene, &ticket, now(), true);
    let push = app.wechat_peer().push(&xml, now());
    assert_problem(app.push(&push.query, &push.body).await, StatusCode::FORBIDDEN, "invalid_signature").await;
    assert_nothing_changed(&app, &login_id).await;
}

#[tokio::test]
async fn the_standin_pushes_only_to_this_deployments_callback() {
    let app = spawn_app().await;
    let ticket = app.create_login().await["ticket"].as_str().unwrap().to_owned();
    let port = app.public.rsplit(':').next().unwrap();
    for elsewhere in [
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://127.0.0.1:{port}/api/v1/me"),
        format!("http://localhost.evil.example:{port}/api/v1/auth/wechat/callback"),
    ] {
        let request = serde_json::json!({ "ticket": ticket, "callback_url": elsewhere });
        let response = app.post_json("/_standin/wechat/simulate-scan", None, &request).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{elsewhere}");
    }
}
