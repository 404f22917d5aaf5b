//! Location data never survives an upload: avatars and post images are re-encoded
//! without EXIF, as persona photos are (`content_photos.rs`).

use reqwest::{multipart, StatusCode};
use serde_json::Value;

use crate::{
    content_helpers::{contains, gps_marker, jpeg_with_gps},
    helpers::{bearer, spawn_app, TestApp},
};

/// Fetches a stored image and asserts it carries no EXIF block and no GPS data.
async fn assert_clean(app: &TestApp, url: &str, what: &str) -> image::DynamicImage {
    let response = app.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{what}");
    let stored = response.bytes().await.unwrap();
    assert!(!contains(&stored, b"Exif"), "{what} kept an EXIF block");
    assert!(!contains(&stored, &gps_marker()), "{what} kept the GPS data");
    image::load_from_memory(&stored).unwrap()
}

fn gps_upload(width: u32, height: u32) -> Vec<u8> {
    let upload = jpeg_with_gps(width, height);
    assert!(contains(&upload, b"Exif\0\0") && contains(&upload, &gps_marker()), "the upload carries GPS data");
    upload
}

#[tokio::test]
async fn an_avatar_keeps_no_gps_data() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let part = multipart::Part::bytes(gps_upload(800, 600)).file_name("gps.jpg").mime_str("image/jpeg").unwrap();
    let response = app
        .http
        .put(app.url("/api/v1/me/avatar"))
        .header("authorization", bearer(&user.access_token))
        .multipart(multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    let avatar = assert_clean(&app, me["avatar_url"].as_str().unwrap(), "the avatar").await;
    assert_eq!((avatar.width(), avatar.height()), (512, 384));
}

#[tokio::test]
async fn post_images_keep_no_gps_data() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let form = multipart::Form::new()
        .text("persona_id", persona["id"].as_str().unwrap().to_owned())
        .text("title", "定位")
        .text("text", "正文")
        .part("images", multipart::Part::bytes(gps_upload(3000, 2000)).file_name("gps.jpg"));
    let response = app
        .http
        .post(app.url("/api/v1/posts"))
        .header("authorization", bearer(&member.access_token))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let post: Value = response.json().await.unwrap();
    let image = &post["images"][0];
    for (rendition, longest) in [("thumb_url", 256), ("medium_url", 1080), ("large_url", 2560)] {
        let url = image[rendition].as_str().unwrap_or_else(|| panic!("no {rendition} in {image}"));
        let stored = assert_clean(&app, url, rendition).await;
        assert_eq!(stored.width(), longest, "{rendition}");
    }
}
