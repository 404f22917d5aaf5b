//! `yujie data export` and `yujie data import`: an installation on the embedded SQLite +
//! local folder moves to this pass's backend (MariaDB + S3 in the MariaDB pass), and the
//! instance started on the result serves the same users, sessions, orders, personas,
//! posts, counters and images.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use yujie::ServiceSet;
use yujie_kernel::{
    config::{RateRule, StorageBackend},
    Clock, Secret,
};

use crate::helpers::{spawn_on, TestApp, TestBackend};

/// The tables whose rows must all move (the others are compared too, by count).
const TABLES: [&str; 12] = [
    "users",
    "sessions",
    "refresh_tokens",
    "membership_grants",
    "orders",
    "personas",
    "persona_photos",
    "posts",
    "comments",
    "reactions",
    "reports",
    "content_changes",
];

/// `value` with every URL taken out, and the URLs in order (they name the same objects
/// differently on each store).
fn without_urls(value: &Value, urls: &mut Vec<String>) -> Value {
    match value {
        Value::String(text) if text.starts_with("http://") || text.starts_with("https://") => {
            urls.push(text.clone());
            Value::String("<url>".into())
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| without_urls(item, urls)).collect()),
        Value::Object(fields) => {
            Value::Object(fields.iter().map(|(key, item)| (key.clone(), without_urls(item, urls))).collect())
        }
        other => other.clone(),
    }
}

/// What a reader sees at `path`, with the bytes of every image it links to.
async fn seen(app: &TestApp, path: &str, token: Option<&str>) -> (Value, Vec<Vec<u8>>) {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let mut urls = Vec::new();
    let body = without_urls(&response.json().await.unwrap(), &mut urls);
    let mut images = Vec::new();
    for url in urls {
        let image = app.http.get(&url).send().await.unwrap();
        assert_eq!(image.status(), StatusCode::OK, "{url}");
        images.push(image.bytes().await.unwrap().to_vec());
    }
    (body, images)
}

/// The pages compared before and after the move: the buyer's own, a persona's, a post's
/// and the feed.
async fn pages(app: &TestApp, token: Option<&str>, persona_id: &str, post_id: &str) -> Vec<(Value, Vec<Vec<u8>>)> {
    let own = [("/api/v1/me".to_owned(), token), ("/api/v1/billing/orders".to_owned(), token)];
    let public = [
        format!("/api/v1/personas/{persona_id}"),
        format!("/api/v1/personas/{persona_id}/posts"),
        format!("/api/v1/posts/{post_id}/comments"),
        "/api/v1/posts?sort=new".to_owned(),
    ];
    let detail = (format!("/api/v1/posts/{post_id}"), token);
    let mut seen_pages = Vec::new();
    for (path, token) in own.into_iter().chain(public.into_iter().map(|path| (path, None))).chain([detail]) {
        seen_pages.push(seen(app, &path, token).await);
    }
    seen_pages
}

#[tokio::test]
async fn an_sqlite_installation_moves_to_another_backend_with_everything_in_place() {
    let source_backend = Arc::new(TestBackend::new().await);
    let folder = source_backend.dir.path().to_owned();
    let source = spawn_on(source_backend.clone(), Clock::system(), ServiceSet::all(), move |config| {
        config.database.url = Secret::new(format!("sqlite://{}?mode=rwc", folder.join("source.db").display()));
        config.redis.url = Secret::default();
        config.storage.backend = StorageBackend::Local;
        config.storage.local_dir = folder.join("source-objects").display().to_string();
        config.http.rate_limits.insert("content_write".into(), RateRule::new(100_000, 60));
    })
    .await;
    let buyer = source.sign_in().await;
    let order = source.order(&buyer, "wechatpay").await;
    let paid = source.simulate_pay("wechatpay", order["out_trade_no"].as_str().unwrap(), true).await;
    assert_eq!(paid.callback_status, Some(204));
    let persona = source.create_persona(&buyer.access_token, "范冰冰", &["冰冰"]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let photo = source.upload_photo(&buyer.access_token, persona_id, "a.png", crate::helpers::png(64, 48)).await;
    assert_eq!(photo.status(), StatusCode::CREATED);
    let posted = source.create_post(&buyer.access_token, persona_id, "第一次上春晚", "1998 年", 2).await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let post_id = posted.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let fan = source.sign_in().await;
    source.comment(&fan.access_token, &post_id, "好看", None).await;
    source.react(&fan.access_token, "post", &post_id, "like").await;
    let report = json!({ "target_kind": "post", "target_id": post_id, "reason": "spam" });
    assert_eq!(
        source.post_json("/api/v1/reports", Some(&fan.access_token), &report).await.status(),
        StatusCode::CREATED
    );

    // Feed pages may show counts up to 1 s old (the shared page cache): let them settle.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let token = Some(buyer.access_token.as_str());
    let before = pages(&source, token, persona_id, &post_id).await;
    assert!(before.iter().map(|(_, images)| images.len()).sum::<usize>() >= 3, "images are compared");
    let mut counts = Vec::new();
    for table in TABLES {
        let count = source.count(table).await;
        assert!(count > 0, "{table} has rows to move");
        counts.push(count);
    }

    // Exported while the source keeps serving, imported into a new database and store.
    let export = source_backend.dir.path().join("export");
    yujie::data::export(&source.platform.config, &export).await.unwrap();
    let target_backend = Arc::new(TestBackend::new().await);
    yujie::data::import(&target_backend.config(), &export).await.unwrap();
    let again = yujie::data::import(&target_backend.config(), &export).await.unwrap_err();
    assert!(again.to_string().contains("new, empty database"), "{again}");
    let exported_again = yujie::data::export(&source.platform.config, &export).await.unwrap_err();
    assert!(exported_again.to_string().contains("not empty"), "{exported_again}");

    let target = spawn_on(target_backend, Clock::system(), ServiceSet::all(), |_| {}).await;
    let after = pages(&target, token, persona_id, &post_id).await;
    for ((before, before_images), (after, after_images)) in before.iter().zip(&after) {
        assert_eq!(before, after);
        assert!(before_images == after_images, "the images are the same bytes");
    }
    for (table, count) in TABLES.into_iter().zip(counts) {
        assert_eq!(target.count(table).await, count, "{table}");
    }
    // The sessions moved: the refresh token still works, and the moved instance writes.
    let refreshed = target.refresh(&buyer).await;
    assert_eq!(target.get("/api/v1/me", Some(&refreshed.access_token)).await.status(), StatusCode::OK);
    let comment = target.comment(&fan.access_token, &post_id, "搬家后", None).await;
    assert_eq!(comment["text"], "搬家后");
    target.assert_member_for_days(&buyer.user_id, 30).await;
}
