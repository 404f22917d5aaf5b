//! Helpers for the content tests.

use reqwest::{multipart, Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{bearer, TestApp};

impl TestApp {
    pub async fn create_persona(&self, token: &str, name: &str, aliases: &[&str]) -> Value {
        let response =
            self.post_json("/api/v1/personas", Some(token), &json!({ "name": name, "aliases": aliases })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    pub async fn add_entry(&self, token: &str, persona_id: &str, entry: Value) -> Response {
        self.post_json(&format!("/api/v1/personas/{persona_id}/entries"), Some(token), &entry).await
    }

    pub async fn upload_photo(&self, token: &str, persona_id: &str, file_name: &str, bytes: Vec<u8>) -> Response {
        let part = multipart::Part::bytes(bytes).file_name(file_name.to_owned()).mime_str("image/jpeg").unwrap();
        self.http
            .post(self.url(&format!("/api/v1/personas/{persona_id}/photos")))
            .header("authorization", bearer(token))
            .multipart(multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap()
    }

    pub async fn persona(&self, persona_id: &str) -> Response {
        self.get(&format!("/api/v1/personas/{persona_id}"), None).await
    }

    pub async fn changes_after(&self, after: i64, limit: i64) -> Value {
        let response =
            self.internal(reqwest::Method::GET, &format!("/content/changes?after={after}&limit={limit}"), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Staff removal (`Some(reason)`) or restore (`None`) through the internal API.
    pub async fn moderate(&self, kind: &str, id: &str, reason: Option<&str>) {
        let path = format!("/content/items/{kind}/{id}/removal");
        let response = match reason {
            Some(reason) => self.internal(reqwest::Method::PUT, &path, Some(json!({ "reason": reason }))).await,
            None => self.internal(reqwest::Method::DELETE, &path, None).await,
        };
        assert_eq!(response.status(), StatusCode::OK);
    }
}

/// A JPEG carrying an EXIF block with GPS coordinates (39°54'12.34"N).
pub fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::DynamicImage::new_rgb8(width, height)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    // IFD0: one entry, GPSInfo → the GPS IFD at offset 26.
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x8825u16.to_le_bytes());
    tiff.extend(4u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(26u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    // GPS IFD: GPSLatitudeRef = "N", GPSLatitude = 39/1, 54/1, 1234/100 at offset 56.
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(2u32.to_le_bytes());
    tiff.extend(*b"N\0\0\0");
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(5u16.to_le_bytes());
    tiff.extend(3u32.to_le_bytes());
    tiff.extend(56u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    for (numerator, denominator) in [(39u32, 1u32), (54, 1), (1234, 100)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// The GPS rational bytes of [`jpeg_with_gps`], to look for in stored files.
pub fn gps_marker() -> Vec<u8> {
    let mut marker = Vec::new();
    for value in [39u32, 1, 54, 1, 1234, 100] {
        marker.extend(value.to_le_bytes());
    }
    marker
}

/// A small JPEG whose header claims `width` × `height`.
pub fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::DynamicImage::new_rgb8(16, 16)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let sof = jpeg.windows(2).position(|pair| pair == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

impl TestApp {
    /// Makes a user a member for 30 days through identity's internal API.
    pub async fn make_member(&self, user_id: &str) {
        let until = chrono::Utc::now() + chrono::Duration::days(30);
        let response = self
            .internal(
                reqwest::Method::PUT,
                &format!("/identity/users/{user_id}/membership"),
                Some(json!({ "member_until": until })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// A signed-in member.
    pub async fn member(&self) -> crate::helpers::Session {
        let session = self.sign_in().await;
        self.make_member(&session.user_id).await;
        session
    }

    pub async fn create_post(&self, token: &str, persona_id: &str, title: &str, text: &str, images: usize) -> Response {
        let mut form = multipart::Form::new()
            .text("persona_id", persona_id.to_owned())
            .text("title", title.to_owned())
            .text("text", text.to_owned());
        for index in 0..images {
            let part =
                multipart::Part::bytes(crate::helpers::png(40 + index as u32, 30)).file_name(format!("{index}.png"));
            form = form.part("images", part);
        }
        self.http
            .post(self.url("/api/v1/posts"))
            .header("authorization", bearer(token))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// A post by `token`'s member about `persona_id`; returns its id.
    pub async fn post(&self, token: &str, persona_id: &str, title: &str) -> String {
        let response = self.create_post(token, persona_id, title, "正文", 0).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let post: Value = response.json().await.unwrap();
        post["id"].as_str().unwrap().to_owned()
    }

    pub async fn comment(&self, token: &str, post_id: &str, text: &str, reply_to: Option<&str>) -> Value {
        let response = self
            .post_json(
                &format!("/api/v1/posts/{post_id}/comments"),
                Some(token),
                &json!({ "text": text, "reply_to": reply_to }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    pub async fn react(&self, token: &str, target: &str, id: &str, reaction: &str) -> Value {
        let response = self
            .http
            .put(self.url(&format!("/api/v1/{target}s/{id}/reaction")))
            .header("authorization", bearer(token))
            .json(&json!({ "reaction": reaction }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    pub async fn feed_ids(&self, path: &str) -> Vec<String> {
        let page: Value = self.get(path, None).await.json().await.unwrap();
        page["items"].as_array().unwrap().iter().map(|post| post["id"].as_str().unwrap().to_owned()).collect()
    }

    /// The feed's ids once they equal `expected`, within the 1 s that counts (and the hot
    /// order made of them) may lag in the shared page cache; the last ids otherwise.
    pub async fn feed_ids_settled(&self, path: &str, expected: &[String]) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
        loop {
            let ids = self.feed_ids(path).await;
            if ids == expected || std::time::Instant::now() > deadline {
                return ids;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}
