//! Redis going down: `/readyz` stays ready but reports the store down, rate limits fail open within a
//! bounded time, and the per-request session check falls back to the database. Runs on
//! both passes against a Redis server of its own.

use std::{
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{json, Value};

use yujie::ServiceSet;
use yujie_kernel::{Clock, Secret};

use crate::helpers::{eventually, spawn_on, spawn_with, Session, TestApp, TestBackend};

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
async fn with_redis_down_the_instance_stays_ready_degraded_and_says_so() {
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
    assert!(app.metrics().await.contains("yujie_kv_up 1"));
    let sessions = [app.sign_in().await, app.sign_in().await];
    let persona = app.persona_with_profile(&sessions[0], "刘亦菲", &[]).await;
    let conversation = app.new_conversation(&sessions[0].access_token, &persona).await;
    // While Redis is up, the limit (one refresh per address per hour) holds.
    assert_eq!(refresh(&app, &sessions[0]).await, StatusCode::OK);
    assert_eq!(refresh(&app, &sessions[1]).await, StatusCode::TOO_MANY_REQUESTS);

    redis.stop();
    // Still in rotation (every instance shares Redis; the product degrades without it),
    // and saying so: the body, and `yujie_kv_up` for the alert.
    let response = app.get("/readyz", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let ready: Value = response.json().await.unwrap();
    assert_eq!(ready["status"], "degraded");
    assert_eq!(ready["checks"], json!({ "database": "ok", "kv": "down" }), "{ready}");
    assert_eq!(ready["backends"]["kv"], "redis");
    assert!(app.metrics().await.contains("yujie_kv_up 0"));

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
    // Sign-in goes on: a wait already open completes once the scan is stored (waiters
    // read the database when no notification comes).
    let login = app.create_login().await;
    let login_id = login["login_id"].as_str().unwrap().to_owned();
    let waiting = {
        let app_url = app.url(&format!("/api/v1/auth/wechat/logins/{login_id}?timeout_secs=20"));
        let http = app.http.clone();
        tokio::spawn(async move { http.get(app_url).send().await.unwrap() })
    };
    let scan = app.simulate_scan(login["ticket"].as_str().unwrap(), None, None).await;
    assert_eq!(scan.callback_status, Some(200));
    let completed = tokio::time::timeout(Duration::from_secs(15), waiting).await.expect("the wait ended").unwrap();
    assert_eq!(completed.status(), StatusCode::OK);
    assert_eq!(completed.json::<Value>().await.unwrap()["status"], "completed");
    // The daily message quota lives in Redis: without it a message is refused, not free,
    // and the failure is counted for the alert.
    let path = format!("/api/v1/companion/conversations/{conversation}/messages");
    let sent = app.post_json(&path, Some(&sessions[0].access_token), &json!({ "text": "在吗" })).await;
    assert_eq!(sent.status(), StatusCode::SERVICE_UNAVAILABLE);
    let metrics = app.metrics().await;
    assert!(metrics.contains("yujie_companion_quota_errors_total 1"), "{metrics}");
    assert!(metrics.contains("yujie_companion_messages_total 0"), "{metrics}");
}

/// A TCP link from one instance to Redis that can be cut, as by a network partition:
/// Redis keeps its data and serves everyone else, this instance reaches nothing.
struct Link {
    port: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Link {
    async fn to(port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let link = Self { port: listener.local_addr().unwrap().port(), cut: Arc::default(), open: Arc::default() };
        let (cut, open) = (link.cut.clone(), link.open.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if cut.load(Ordering::SeqCst) {
                    continue;
                }
                let forward = tokio::spawn(async move {
                    let mut outbound = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
                    tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await
                });
                open.lock().unwrap().push(forward.abort_handle());
            }
        });
        link
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for connection in self.open.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// One instance partitioned from Redis: a sign-out there answers 204 and holds there at
/// once (it reads the database for what it could not publish). Another instance still
/// trusts its cached entry during the partition (bounded by the entry's 60 s), and
/// refuses the session within seconds once the link is back and the revocation is
/// published.
#[tokio::test]
async fn a_sign_out_during_a_partition_from_redis_reaches_every_instance_when_it_heals() {
    let redis = ThrowawayRedis::start().await;
    let link = Link::to(redis.port).await;
    let backend = Arc::new(TestBackend::new().await);
    let (clock, services) = (Clock::system(), ServiceSet::all());
    let through_link = format!("redis://127.0.0.1:{}", link.port);
    let app = spawn_on(backend.clone(), clock.clone(), services.clone(), |config| {
        config.redis.url = Secret::new(through_link);
    })
    .await;
    let direct = format!("redis://127.0.0.1:{}", redis.port);
    let other = spawn_on(backend, clock, services, |config| config.redis.url = Secret::new(direct)).await;
    let session = app.sign_in().await;
    let token = Some(session.access_token.as_str());
    // The other instance has seen the session active: Redis holds it as active.
    assert_eq!(other.get("/api/v1/me", token).await.status(), StatusCode::OK);

    link.cut();
    let out = app.post_json("/api/v1/auth/logout", token, &json!({})).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", token).await.status(), StatusCode::UNAUTHORIZED);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(other.get("/api/v1/me", token).await.status(), StatusCode::OK, "the partition is real");

    link.restore();
    let refused = eventually(Duration::from_secs(10), || async {
        other.get("/api/v1/me", token).await.status() == StatusCode::UNAUTHORIZED
    });
    assert!(refused.await.is_some(), "the revocation was not published after the partition");
    let ready = eventually(Duration::from_secs(10), || async { app.metrics().await.contains("yujie_kv_up 1") });
    assert!(ready.await.is_some(), "back on Redis without a restart");
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
