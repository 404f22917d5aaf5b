//! What people write is checked the same way everywhere: invisible characters, strict
//! UTF-8 in multipart text, one value per field, and caps while reading.

use reqwest::{multipart, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem, bearer, png, spawn_app, TestApp};

async fn field_error(response: reqwest::Response, status: StatusCode, field: &str) {
    let body = assert_problem(
        response,
        status,
        if status == StatusCode::PAYLOAD_TOO_LARGE { "payload_too_large" } else { "invalid_field" },
    )
    .await;
    assert_eq!(body["errors"][0]["field"], field, "{body}");
}

async fn send_post_form(app: &TestApp, token: &str, form: multipart::Form) -> reqwest::Response {
    app.http.post(app.url("/api/v1/posts")).header("authorization", bearer(token)).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn invisible_text_does_not_pass_for_a_name_or_for_content() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = &member.access_token;
    let lookalike = app.post_json("/api/v1/personas", Some(token), &json!({ "name": "冰\u{200B}冰" })).await;
    field_error(lookalike, StatusCode::UNPROCESSABLE_ENTITY, "name").await;
    let bidi =
        app.post_json("/api/v1/personas", Some(token), &json!({ "name": "冰冰", "aliases": ["a\u{202E}b"] })).await;
    field_error(bidi, StatusCode::UNPROCESSABLE_ENTITY, "aliases[0]").await;

    let persona = app.create_persona(token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let blank_title = app.create_post(token, persona_id, "\u{200B}\u{FEFF}\u{3164}", "正文", 0).await;
    field_error(blank_title, StatusCode::UNPROCESSABLE_ENTITY, "title").await;
    let post_id = app.post(token, persona_id, "标\u{200B}题").await;
    let post: serde_json::Value = app.get(&format!("/api/v1/posts/{post_id}"), None).await.json().await.unwrap();
    assert_eq!(post["title"], "标题", "invisible characters are stripped from free text");

    let blank_comment = app
        .post_json(
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(token),
            &json!({ "text": "\u{200B}\u{2800} \u{200D}" }),
        )
        .await;
    field_error(blank_comment, StatusCode::UNPROCESSABLE_ENTITY, "text").await;
    let nickname = app.http.patch(app.url("/api/v1/me")).header("authorization", bearer(token));
    let nickname = nickname.json(&json!({ "nickname": "御\u{200C}姐" })).send().await.unwrap();
    field_error(nickname, StatusCode::UNPROCESSABLE_ENTITY, "nickname").await;
}

#[tokio::test]
async fn multipart_text_is_strict_single_and_capped() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = &member.access_token;
    let persona = app.create_persona(token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap().to_owned();
    let base = || multipart::Form::new().text("persona_id", persona_id.clone()).text("title", "标题");

    let invalid_utf8 = base().part("text", multipart::Part::bytes(b"a\xff\xfeb".to_vec()));
    field_error(send_post_form(&app, token, invalid_utf8).await, StatusCode::UNPROCESSABLE_ENTITY, "text").await;

    let twice = base().text("title", "第二个标题").text("text", "正文");
    field_error(send_post_form(&app, token, twice).await, StatusCode::UNPROCESSABLE_ENTITY, "title").await;

    // A megabyte of text is refused while it is read, long before the 5,000-character check.
    let huge = base().text("text", "字".repeat(400_000));
    field_error(send_post_form(&app, token, huge).await, StatusCode::PAYLOAD_TOO_LARGE, "text").await;

    let two_files = multipart::Form::new()
        .part("file", multipart::Part::bytes(png(40, 30)).file_name("a.png"))
        .part("file", multipart::Part::bytes(png(40, 30)).file_name("b.png"));
    let response = app
        .http
        .post(app.url(&format!("/api/v1/personas/{persona_id}/photos")))
        .header("authorization", bearer(token))
        .multipart(two_files)
        .send()
        .await
        .unwrap();
    field_error(response, StatusCode::UNPROCESSABLE_ENTITY, "file").await;
    assert_eq!(app.count("persona_photos").await, 0, "nothing was stored");
}
