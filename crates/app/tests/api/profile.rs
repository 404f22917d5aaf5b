use reqwest::{multipart, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, bearer, png, spawn_app, spawn_with, TestApp};

async fn upload(app: &TestApp, token: &str, file_name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = multipart::Part::bytes(bytes).file_name(file_name.to_owned()).mime_str("image/jpeg").unwrap();
    app.http
        .put(app.url("/api/v1/me/avatar"))
        .header("authorization", bearer(token))
        .multipart(multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_user_picks_a_nickname() {
    let app = spawn_app().await;
    let session = app.sign_in().await;
    let response = app
        .http
        .patch(app.url("/api/v1/me"))
        .header("authorization", bearer(&session.access_token))
        .json(&json!({ "nickname": " 御姐控 " }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["nickname"], "御姐控");

    for bad in ["", "   ", &"长".repeat(21)] {
        let response = app
            .http
            .patch(app.url("/api/v1/me"))
            .header("authorization", bearer(&session.access_token))
            .json(&json!({ "nickname": bad }))
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
        assert_eq!(body["errors"][0]["field"], "nickname");
    }
    let me: Value = app.get("/api/v1/me", Some(&session.access_token)).await.json().await.unwrap();
    assert_eq!(me["nickname"], "御姐控", "refused changes left nothing behind");
}

#[tokio::test]
async fn an_avatar_is_checked_reencoded_stored_and_replaced() {
    let app = spawn_app().await;
    let session = app.sign_in().await;
    let response = upload(&app, &session.access_token, "me.png", png(800, 600)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    let first_url = me["avatar_url"].as_str().unwrap().to_owned();
    let image = app.http.get(&first_url).send().await.unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/jpeg");
    let decoded = image::load_from_memory(&image.bytes().await.unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (512, 384));

    let response = upload(&app, &session.access_token, "again.png", png(64, 64)).await;
    let me: Value = response.json().await.unwrap();
    assert_ne!(me["avatar_url"].as_str().unwrap(), first_url);
    assert_eq!(
        app.http.get(&first_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "the old avatar was deleted"
    );
}

#[tokio::test]
async fn bad_avatars_are_refused_with_the_field_named() {
    let app = spawn_with(|config| config.media.max_bytes = 64 * 1024).await;
    let session = app.sign_in().await;
    let php = b"<?php echo shell_exec($_GET['c']); ?>".to_vec();
    let body = assert_problem(
        upload(&app, &session.access_token, "cat.jpg", php).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "file");

    let oversize = vec![0xFFu8; 3 * 1024 * 1024];
    let body = assert_problem(
        upload(&app, &session.access_token, "big.jpg", oversize).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "file");

    let mut truncated = png(300, 300);
    truncated.truncate(truncated.len() / 2);
    let body = assert_problem(
        upload(&app, &session.access_token, "half.png", truncated).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "file");

    let me: Value = app.get("/api/v1/me", Some(&session.access_token)).await.json().await.unwrap();
    assert!(me["avatar_url"].is_null());
}
