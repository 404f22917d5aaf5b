//! Graceful shutdown on a real SIGTERM (nextest runs each test in its own process, so
//! the signal reaches only this test's instance): in-flight writes finish, every
//! acknowledged one is stored, an open event stream ends at once with a `retry:` hint,
//! and the listener stops accepting.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

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

    // Eight writers keep writing until the instance stops answering, so the signal lands
    // in the middle of the burst however fast or slow the database is.
    let acknowledged = Arc::new(AtomicI64::new(0));
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let (http, url, token) = (app.http.clone(), app.url("/api/v1/personas"), session.access_token.clone());
            let acknowledged = acknowledged.clone();
            tokio::spawn(async move {
                for index in 0..500 {
                    let name = format!("停机测试{writer}-{index}");
                    match http.post(&url).bearer_auth(&token).json(&json!({ "name": name })).send().await {
                        Ok(response) if response.status() == StatusCode::CREATED => {
                            acknowledged.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(response) => panic!("a write was answered {}", response.status()),
                        Err(_) => return 1,
                    }
                }
                0
            })
        })
        .collect();
    tokio::time::timeout(Duration::from_secs(10), async {
        while acknowledged.load(Ordering::SeqCst) < 8 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the burst got under way");
    let terminated =
        std::process::Command::new("kill").args(["-TERM", &std::process::id().to_string()]).status().unwrap();
    assert!(terminated.success());

    // The open stream ends at once, telling the client when to reconnect.
    let body = tokio::time::timeout(Duration::from_secs(5), stream.text()).await.expect("the stream ended").unwrap();
    assert!(body.contains("retry: 2000"), "{body}");
    let mut refused = 0_i64;
    for writer in writers {
        refused += writer.await.unwrap();
    }
    assert_eq!(refused, 8, "every writer was still writing when the listener stopped");
    let acknowledged = acknowledged.load(Ordering::SeqCst);
    let after = reqwest::Client::new().get(app.url("/healthz")).send().await;
    assert!(after.is_err(), "the listener no longer accepts");

    let restarted = spawn_on(backend, Clock::system(), ServiceSet::all(), |_| {}).await;
    let stored = restarted.count("personas").await;
    assert!(
        stored >= acknowledged && stored <= acknowledged + refused,
        "{stored} stored, {acknowledged} acknowledged, {refused} refused"
    );
}
