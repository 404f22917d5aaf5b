//! What a list carries: a preview of each post's text and no HTML (the post's own page
//! has both whole), compressed when the client accepts it.

use std::io::Read as _;

use reqwest::{header, StatusCode};
use serde_json::Value;

use crate::helpers::spawn_app;

/// The body of `path`, asked for with `Accept-Encoding: accept`, decoded, and its coding.
async fn fetch(app: &crate::helpers::TestApp, path: &str, accept: &str, token: Option<&str>) -> (Value, String, usize) {
    let mut request = app.http.get(app.url(path)).header(header::ACCEPT_ENCODING, accept);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let coding = response.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap().to_owned());
    let coding = coding.unwrap_or_default();
    let body = response.bytes().await.unwrap();
    let mut json = Vec::new();
    match coding.as_str() {
        "br" => brotli::BrotliDecompress(&mut &body[..], &mut json).unwrap(),
        "gzip" => _ = flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut json).unwrap(),
        _ => json = body.to_vec(),
    }
    (serde_json::from_slice(&json).unwrap(), coding, body.len())
}

#[tokio::test]
async fn lists_carry_a_preview_without_html_and_every_coding_says_the_same() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "宁静", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let long = "《阳光灿烂的日子》里的米兰，".repeat(20);
    let created: Value =
        app.create_post(&member.access_token, persona_id, "长文", &long, 0).await.json().await.unwrap();
    let post_id = created["id"].as_str().unwrap();
    app.create_post(&member.access_token, persona_id, "短文", "好看", 0).await;

    for path in ["/api/v1/posts?sort=new", &format!("/api/v1/personas/{persona_id}/posts?sort=new")] {
        let (page, coding, _) = fetch(&app, path, "", None).await;
        assert_eq!(coding, "");
        let [short, long_one] = [&page["items"][0], &page["items"][1]];
        assert_eq!((short["text"].as_str(), short["text_truncated"].as_bool()), (Some("好看"), Some(false)));
        let preview = long_one["text"].as_str().unwrap();
        assert_eq!(preview.chars().count(), 140, "{path}");
        assert!(long.starts_with(preview));
        assert_eq!(long_one["text_truncated"], true);
        assert!(short.get("text_html").is_none() && long_one.get("text_html").is_none(), "{path}: no HTML in lists");
    }
    let (own, _, _) = fetch(&app, "/api/v1/me/posts", "", Some(&member.access_token)).await;
    assert_eq!(own["items"][1]["text"].as_str().unwrap().chars().count(), 140);

    let (detail, _, _) = fetch(&app, &format!("/api/v1/posts/{post_id}"), "", None).await;
    assert_eq!((detail["text"].as_str(), detail["text_truncated"].as_bool()), (Some(long.as_str()), Some(false)));
    assert!(detail["text_html"].as_str().unwrap().starts_with("《阳光灿烂的日子》"));

    // Anonymous pages come from the cache in each coding; signed-in ones are compressed
    // as they are made. All decode to the same page.
    let comments = format!("/api/v1/posts/{post_id}/comments");
    for path in ["/api/v1/posts?sort=new", &format!("/api/v1/posts/{post_id}"), &comments] {
        let (plain, _, plain_size) = fetch(&app, path, "", None).await;
        for (accept, expected) in [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br;q=0, gzip", "gzip")] {
            let (decoded, coding, size) = fetch(&app, path, accept, None).await;
            assert_eq!((coding.as_str(), &decoded), (expected, &plain), "{path} with {accept}");
            assert!(size < plain_size || plain_size < 200, "{path}: {size} bytes compressed, {plain_size} plain");
        }
    }
    app.react(&member.access_token, "post", post_id, "like").await;
    let (mine, coding, _) = fetch(&app, "/api/v1/posts?sort=new", "gzip", Some(&member.access_token)).await;
    assert_eq!(coding, "gzip");
    assert_eq!(mine["items"][1]["my_reaction"], "like");
    assert!(mine["items"][0]["my_reaction"].is_null());
}
