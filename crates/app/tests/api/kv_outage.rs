//! Redis going down: `/readyz` reports the store down, rate limits fail open within a
//! bounded time, and the per-request session check falls back to the database. Runs on
//! both passes against a Redis server of its own.

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{eventually, spawn_with, Session, TestApp};

/// A throwaway `redis-server` on a free port, stopped when dropped.
struct ThrowawayRedis {
    child: Child,
    port: u16,
}

impl ThrowawayRedis {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("this test needs redis-server on the PATH");
        let up = eventually(Duration::from_secs(10), || async {
            tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok()
        });
        up.await.expect("redis-server did not start");
        Self { child, port }
    }

    fn stop(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ThrowawayRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn refresh(app: &TestApp, session: &Session) -> StatusCode {
    app.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": session.refresh_token })).await.status()
}

#[tokio::test]
async fn with_redis_down_readyz_says_so() {
    let mut redis = ThrowawayRedis::start().await;
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let app = spawn_with(|config| {
        config.redis.url = yujie_kernel::Secret::new(url);
        config.http.rate_limits.insert("token_refresh".into(), yujie_kernel::config::RateRule::new(1, 3600));
    })
    .await;
    let ready: Value = app.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready["checks"], json!({ "database": "ok", "kv": "ok" }), "{ready}");
    assert_eq!(ready["backends"]["kv"], "redis");
    let sessions = [app.sign_in().await, app.sign_in().await];
    let persona = app.persona_with_profile(&sessions[0], "刘亦菲", &[]).await;
    let conversation = app.new_conversation(&sessions[0].access_token, &persona).await;
    // While Redis is up, the limit (one refresh per address per hour) holds.
    assert_eq!(refresh(&app, &sessions[0]).await, StatusCode::OK);
    assert_eq!(refresh(&app, &sessions[1]).await, StatusCode::TOO_MANY_REQUESTS);

    redis.stop();
    let response = app.get("/readyz", None).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let ready: Value = response.json().await.unwrap();
    assert_eq!(ready["status"], "not_ready");
    assert_eq!(ready["checks"], json!({ "database": "ok", "kv": "down" }), "{ready}");
    assert_eq!(ready["backends"]["kv"], "redis");

    // Limits fail open (and log), promptly: the refused refresh now goes through.
    let started = std::time::Instant::now();
    assert_eq!(refresh(&app, &sessions[1]).await, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
    // Signed-in requests are checked against the database instead of the cache.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let started = std::time::Instant::now();
    let me = app.get("/api/v1/me", Some(&sessions[0].access_token)).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
    // The daily message quota lives in Redis: without it a message is refused, not free,
    // and the failure is counted for the alert.
    let path = format!("/api/v1/companion/conversations/{conversation}/messages");
    let sent = app.post_json(&path, Some(&sessions[0].access_token), &json!({ "text": "在吗" })).await;
    assert_eq!(sent.status(), StatusCode::SERVICE_UNAVAILABLE);
    let metrics = app.http.get(format!("{}/metrics", app.staff)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("yujie_companion_quota_errors_total 1"), "{metrics}");
    assert!(metrics.contains("yujie_companion_messages_total 0"), "{metrics}");
}

/// Redis out of reach at start, closed or silent: the start fails within its bound
/// (10 s) with an error naming Redis, instead of hanging.
#[tokio::test]
async fn with_redis_unreachable_the_start_fails_promptly_and_says_why() {
    let silent = crate::helpers::SilentServer::start().await;
    let closed = "http://127.0.0.1:9".to_owned();
    for server in [closed, silent.url.clone()] {
        let backend = crate::helpers::TestBackend::new().await;
        let mut config = backend.config();
        config.redis.url = yujie_kernel::Secret::new(server.replacen("http://", "redis://", 1));
        let started = std::time::Instant::now();
        let built = yujie::Application::build(config, yujie::ServiceSet::all(), yujie_kernel::Clock::system()).await;
        let Err(error) = built else { panic!("started without Redis at {server}") };
        assert!(started.elapsed() < Duration::from_secs(15), "gave up after {:?}", started.elapsed());
        assert!(format!("{error:#}").contains("Redis"), "{error:#}");
    }
    assert!(silent.connections() > 0, "the silent server was tried");
}
