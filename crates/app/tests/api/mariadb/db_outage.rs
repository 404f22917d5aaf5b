//! The database goes away under a running instance and comes back: requests are answered
//! 503 with Retry-After within the acquire timeout (no hang), readiness says so while
//! liveness does not, and the instance recovers without a restart with every
//! acknowledged write in place; a payment notification that arrives meanwhile is refused
//! and fulfilled when the channel retries. The test runs its own `mariadbd` on a free port and data
//! directory, so stopping it disturbs nothing else.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::{header, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_problem, eventually, spawn_with};

/// A private MariaDB server on loopback; killed when dropped.
struct PrivateMariadb {
    dir: tempfile::TempDir,
    port: u16,
    server: Option<Child>,
}

impl PrivateMariadb {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let installed = Command::new("mariadb-install-db")
            .args(["--no-defaults", "--user=root", "--skip-test-db"])
            .arg(format!("--datadir={}", dir.path().join("data").display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("this test needs mariadb-install-db on the PATH");
        assert!(installed.success());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut this = Self { dir, port, server: None };
        this.resume().await;
        yujie_db::create_mysql_database(&this.server_url(), "yujie_outage").await.unwrap();
        this
    }

    fn server_url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}", self.port)
    }

    /// Starts the server on its data directory and waits until it answers.
    async fn resume(&mut self) {
        let data = self.dir.path().join("data");
        let child = Command::new("mariadbd")
            .args(["--no-defaults", "--user=root", "--skip-grant-tables", "--bind-address=127.0.0.1"])
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--port={}", self.port))
            .arg(format!("--socket={}", self.dir.path().join("mariadb.sock").display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("this test needs mariadbd on the PATH");
        self.server = Some(child);
        let address = format!("127.0.0.1:{}", self.port);
        let up =
            eventually(Duration::from_secs(30), || async { tokio::net::TcpStream::connect(&address).await.is_ok() });
        assert!(up.await.is_some(), "the private mariadbd did not start");
    }

    /// Kills the server, as a crash or a lost network would.
    fn kill(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateMariadb {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn with_the_database_down_requests_get_a_prompt_503_and_the_instance_recovers() {
    super::require_mariadb();
    let mut database = PrivateMariadb::start().await;
    let url = format!("{}/yujie_outage", database.server_url());
    let app = spawn_with(|config| {
        config.database.url = yujie_kernel::Secret::new(url);
        config.database.acquire_timeout_ms = 2000;
    })
    .await;
    let session = app.sign_in().await;
    let persona = app.create_persona(&session.access_token, "范冰冰", &[]).await;
    let order = app.order(&session, "wechatpay").await;
    let paid = app.simulate_pay("wechatpay", order["out_trade_no"].as_str().unwrap(), false).await;

    database.kill();
    let started = Instant::now();
    let response = app.get("/api/v1/me", Some(&session.access_token)).await;
    assert!(started.elapsed() < Duration::from_secs(8), "answered after {:?}", started.elapsed());
    assert_eq!(response.headers().get(header::RETRY_AFTER).map(|value| value.to_str().unwrap()), Some("5"));
    assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    let write =
        app.post_json("/api/v1/personas", Some(&session.access_token), &serde_json::json!({ "name": "李冰冰" })).await;
    assert_eq!(write.status(), StatusCode::SERVICE_UNAVAILABLE);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json::<Value>().await.unwrap()["checks"]["database"], "down");
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    assert!(app.metrics().await.contains("yujie_db_up 0"), "the scrape says the database is down");
    // A payment notification is refused, so WeChat Pay delivers it again later.
    let notified = app.wechatpay_notify(&paid.fields, &paid.body).await;
    assert_eq!(notified.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(notified.json::<Value>().await.unwrap()["code"], "FAIL");

    database.resume().await;
    let recovered =
        eventually(Duration::from_secs(30), || async { app.get("/readyz", None).await.status() == StatusCode::OK });
    assert!(recovered.await.is_some(), "the instance did not recover without a restart");
    assert!(app.metrics().await.contains("yujie_db_up 1"));
    let found = app.persona(persona["id"].as_str().unwrap()).await;
    assert_eq!(found.status(), StatusCode::OK, "the write acknowledged before the outage is there");
    let write =
        app.post_json("/api/v1/personas", Some(&session.access_token), &serde_json::json!({ "name": "李冰冰" })).await;
    assert_eq!(write.status(), StatusCode::CREATED);
    // WeChat Pay's retry is fulfilled.
    let notified = app.wechatpay_notify(&paid.fields, &paid.body).await;
    assert_eq!(notified.status(), StatusCode::NO_CONTENT);
    app.assert_member_for_days(&session.user_id, 30).await;
}
