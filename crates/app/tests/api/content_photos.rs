use futures::StreamExt as _;
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    content_helpers::{contains, gps_marker, jpeg_claiming, jpeg_with_gps},
    helpers::{assert_problem, bearer, spawn_app},
};

#[tokio::test]
async fn photos_that_are_not_what_they_claim_are_refused() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let persona = app.create_persona(&user.access_token, "范冰冰", &[]).await;
    let id = persona["id"].as_str().unwrap();

    let php = b"<?php system($_GET['cmd']); ?>\n".to_vec();
    let body = assert_problem(
        app.upload_photo(&user.access_token, id, "photo.jpg", php).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "file");

    let mut truncated = jpeg_with_gps(400, 300);
    truncated.truncate(truncated.len() * 2 / 3);
    let body = assert_problem(
        app.upload_photo(&user.access_token, id, "cut.jpg", truncated).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("truncated"), "{body}");

    let bomb = jpeg_claiming(20_000, 20_000);
    assert!(bomb.len() < 2_000, "the file itself is small");
    let body = assert_problem(
        app.upload_photo(&user.access_token, id, "bomb.jpg", bomb).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("20000×20000"), "{body}");

    let detail: Value = app.persona(id).await.json().await.unwrap();
    assert!(detail["photos"].as_array().unwrap().is_empty(), "nothing was stored");
}

#[tokio::test]
async fn gps_data_is_in_the_upload_and_in_no_stored_rendition() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let persona = app.create_persona(&user.access_token, "范冰冰", &[]).await;
    let upload = jpeg_with_gps(3000, 2000);
    assert!(contains(&upload, b"Exif\0\0") && contains(&upload, &gps_marker()));
    let response = app.upload_photo(&user.access_token, persona["id"].as_str().unwrap(), "gps.jpg", upload).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let photo: Value = response.json().await.unwrap();
    for (rendition, longest) in [("thumb_url", 256), ("medium_url", 1080), ("large_url", 2560)] {
        let stored = app.http.get(photo[rendition].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
        assert!(!contains(&stored, b"Exif"), "{rendition} kept an EXIF block");
        assert!(!contains(&stored, &gps_marker()), "{rendition} kept the GPS data");
        let image = image::load_from_memory(&stored).unwrap();
        assert_eq!(image.width(), longest, "{rendition}");
    }
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|line| line.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_oversize_upload_is_refused_without_growing_memory() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let persona = app.create_persona(&user.access_token, "范冰冰", &[]).await;
    let before = peak_rss_kib();
    // 300 MiB, produced lazily: neither side ever holds it whole.
    let chunk = bytes::Bytes::from(vec![0x42u8; 1 << 20]);
    let mut body = b"--XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".to_vec();
    body.extend([0xFF, 0xD8, 0xFF]);
    let head = futures::stream::once(async move { Ok::<_, std::io::Error>(bytes::Bytes::from(body)) });
    let tail = futures::stream::iter((0..300).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let response = app
        .http
        .post(app.url(&format!("/api/v1/personas/{}/photos", persona["id"].as_str().unwrap())))
        .header("authorization", bearer(&user.access_token))
        .header("content-type", "multipart/form-data; boundary=XBOUNDARY")
        .body(reqwest::Body::wrap_stream(head.chain(tail)))
        .send()
        .await;
    match response {
        Ok(response) => {
            let body = assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
            assert_eq!(body["errors"][0]["field"], "file");
        }
        // The server may close the connection while the client is still sending; then
        // the refusal must already have been answered, which the server counts.
        Err(error) => {
            let metrics = app.metrics().await;
            let refused = metrics.lines().any(|line| {
                line.starts_with("yujie_http_requests_total{")
                    && line.contains("route=\"/api/v1/personas/{persona_id}/photos\"")
                    && line.contains("status=\"413\"")
                    && line.ends_with(" 1")
            });
            assert!(refused, "the connection dropped ({error}) without a 413 answer:\n{metrics}");
        }
    }
    let grown_mib = (peak_rss_kib() - before) / 1024;
    assert!(grown_mib < 48, "peak memory grew by {grown_mib} MiB for a refused 300 MiB upload");
}
