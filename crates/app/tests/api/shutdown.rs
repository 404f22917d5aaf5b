//! Graceful shutdown on a real SIGTERM (nextest runs each test in its own process, so
//! the signal reaches only this test's instance): in-flight writes finish, every
//! acknowledged one is stored, an open event stream ends at once with a `retry:` hint,
//! and the listener stops accepting.

use std::{sync::Arc, time::Duration};

use reqwest::StatusCode;
use serde_json::json;
use yujie::ServiceSet;
use yujie_kernel::{config::RateRule, Clock};

use crate::helpers::{spawn_on, TestBackend};

#[tokio::test]
async fn sigterm_during_a_burst_of_writes_keeps_every_acknowledged_one() {
    let backend = Arc::new(TestBackend::new().await);
    let app = spawn_on(backend.clone(), Clock::system(), ServiceSet::all(), |config| {
        config.http.rate_limits.insert("content_write".into(), RateRule::new(100_000, 60));
    })
    .await;
    let session = app.sign_in().await;
    let login = app.create_login().await;
    let events = format!("/api/v1/auth/wechat/logins/{}/events", login["login_id"].as_str().unwrap());
    let stream = app.http.get(app.url(&events)).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);

    let writes: Vec<_> = (0..60)
        .map(|index| {
            let request = app
                .http
                .post(app.url("/api/v1/personas"))
                .bearer_auth(&session.access_token)
                .json(&json!({ "name": format!("停机测试{index}") }));
            tokio::spawn(async move { request.send().await.map(|response| response.status()) })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let terminated =
        std::process::Command::new("kill").args(["-TERM", &std::process::id().to_string()]).status().unwrap();
    assert!(terminated.success());

    // The open stream ends at once, telling the client when to reconnect.
    let body = tokio::time::timeout(Duration::from_secs(5), stream.text()).await.expect("the stream ended").unwrap();
    assert!(body.contains("retry: 2000"), "{body}");
    let mut acknowledged = 0;
    let mut refused = 0;
    for write in writes {
        match write.await.unwrap() {
            Ok(StatusCode::CREATED) => acknowledged += 1,
            Ok(status) => panic!("a write was answered {status}"),
            Err(_) => refused += 1,
        }
    }
    assert!(acknowledged > 0, "the burst was under way when the signal came");
    let after = reqwest::Client::new().get(app.url("/healthz")).send().await;
    assert!(after.is_err(), "the listener no longer accepts");

    let restarted = spawn_on(backend, Clock::system(), ServiceSet::all(), |_| {}).await;
    let stored = restarted.count("personas").await;
    assert!(
        stored >= acknowledged && stored <= acknowledged + refused,
        "{stored} stored, {acknowledged} acknowledged, {refused} refused"
    );
}
