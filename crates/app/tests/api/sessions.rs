use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let session = app.sign_in().await;
    let other_device = app.sign_in_as(Some(&session.openid)).await;

    let response =
        app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": session.refresh_token })).await;
    let rotated: Value = response.json().await.unwrap();
    let (new_access, new_refresh) =
        (rotated["access_token"].as_str().unwrap(), rotated["refresh_token"].as_str().unwrap());

    // The old token again: a thief or a replay.
    let response =
        app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": session.refresh_token })).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;

    // Every token of that family is dead now...
    let response = app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": new_refresh })).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "session_revoked").await;
    assert_problem(app.get("/api/v1/me", Some(new_access)).await, StatusCode::UNAUTHORIZED, "session_revoked").await;
    assert_problem(
        app.get("/api/v1/me", Some(&session.access_token)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    // ...but another sign-in of the same user is untouched.
    assert_eq!(app.get("/api/v1/me", Some(&other_device.access_token)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_or_malformed_refresh_tokens_are_refused() {
    let app = spawn_app().await;
    let response = app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": "rt_nope" })).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "refresh_token_invalid").await;
    let response = app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh": 1 })).await;
    let body = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert!(body["detail"].as_str().unwrap().contains("refresh_token"), "{body}");
}

#[tokio::test]
async fn logout_all_signs_out_every_device() {
    let app = spawn_app().await;
    let phone = app.sign_in().await;
    let laptop = app.sign_in_as(Some(&phone.openid)).await;
    let response = app.post_json("/api/v1/auth/logout-all", Some(&laptop.access_token), &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["sessions_revoked"], 2);
    for token in [&phone.access_token, &laptop.access_token] {
        assert_problem(app.get("/api/v1/me", Some(token)).await, StatusCode::UNAUTHORIZED, "session_revoked").await;
    }
    let response = app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": phone.refresh_token })).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "session_revoked").await;
}

#[tokio::test]
async fn an_expired_access_token_is_refused_and_refresh_recovers() {
    let app = spawn_app().await;
    let session = app.sign_in().await;
    app.platform.clock.advance(std::time::Duration::from_secs(16 * 60));
    assert_problem(app.get("/api/v1/me", Some(&session.access_token)).await, StatusCode::UNAUTHORIZED, "token_expired")
        .await;
    let response =
        app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": session.refresh_token })).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_ban_refuses_everything_and_tells_the_reason_and_end() {
    let app = spawn_app().await;
    let session = app.sign_in().await;
    let until = chrono::Utc::now() + chrono::Duration::days(7);
    let response = app
        .internal(
            Method::PUT,
            &format!("/identity/users/{}/ban", session.user_id),
            Some(json!({ "until": until, "reason": "发布广告" })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let body =
        assert_problem(app.get("/api/v1/me", Some(&session.access_token)).await, StatusCode::FORBIDDEN, "user_banned")
            .await;
    assert_eq!(body["context"]["reason"], "发布广告");
    let shown: chrono::DateTime<chrono::Utc> = serde_json::from_value(body["context"]["banned_until"].clone()).unwrap();
    assert_eq!(shown.timestamp_millis(), until.timestamp_millis());
    let response =
        app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": session.refresh_token })).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "session_revoked").await;

    // Signing in again shows the reason and the end.
    let login = app.create_login().await;
    app.simulate_scan(login["ticket"].as_str().unwrap(), Some(&session.openid), None).await;
    let body = assert_problem(
        app.wait_login(login["login_id"].as_str().unwrap(), 5).await,
        StatusCode::FORBIDDEN,
        "user_banned",
    )
    .await;
    assert_eq!(body["context"]["reason"], "发布广告");

    // Unbanned, they sign in again.
    let response = app.internal(Method::DELETE, &format!("/identity/users/{}/ban", session.user_id), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let again = app.sign_in_as(Some(&session.openid)).await;
    assert_eq!(app.get("/api/v1/me", Some(&again.access_token)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn ban_requests_are_validated() {
    let app = spawn_app().await;
    let session = app.sign_in().await;
    let path = format!("/identity/users/{}/ban", session.user_id);
    let response = app.internal(Method::PUT, &path, Some(json!({ "reason": "  " }))).await;
    let body = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(body["errors"][0]["field"], "reason");
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    let response = app.internal(Method::PUT, &path, Some(json!({ "reason": "x", "until": past }))).await;
    let body = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(body["errors"][0]["field"], "until");
    let response = app.internal(Method::PUT, "/identity/users/nobody/ban", Some(json!({ "reason": "x" }))).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get("/api/v1/me", Some(&session.access_token)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn membership_set_internally_shows_on_me_and_in_the_next_token() {
    let app = spawn_app().await;
    let session = app.sign_in().await;
    let until = chrono::Utc::now() + chrono::Duration::days(30);
    let response = app
        .internal(
            Method::PUT,
            &format!("/identity/users/{}/membership", session.user_id),
            Some(json!({ "member_until": until })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = app.get("/api/v1/me", Some(&session.access_token)).await.json().await.unwrap();
    assert_eq!(me["is_member"], true);
    let response =
        app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": session.refresh_token })).await;
    let refreshed: Value = response.json().await.unwrap();
    let claims = refreshed["access_token"].as_str().unwrap().split('.').nth(1).unwrap().to_owned();
    let claims: Value = serde_json::from_slice(&base64_url_decode(&claims)).unwrap();
    assert_eq!(claims["mbr"], until.timestamp_millis());
}

fn base64_url_decode(input: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(input).unwrap()
}
