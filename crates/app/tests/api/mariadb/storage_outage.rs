//! The object store goes away: uploads answer 503 with Retry-After and leave no row
//! behind, other requests carry on, and uploads work again once it is back. The test
//! runs its own S3 server (moto) on a free port, so stopping it disturbs nothing else.

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use reqwest::{header, StatusCode};

use crate::helpers::{assert_problem, eventually, png, spawn_with};

/// A private moto S3 server on loopback; killed when dropped.
struct PrivateS3 {
    port: u16,
    server: Option<Child>,
}

impl PrivateS3 {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut this = Self { port, server: None };
        this.resume().await;
        this
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the server with an empty bucket `outage` (moto keeps nothing across restarts).
    async fn resume(&mut self) {
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("this test needs moto (python3 -m moto.server)");
        self.server = Some(child);
        let endpoint = self.endpoint();
        let up = eventually(Duration::from_secs(30), || async { reqwest::get(&endpoint).await.is_ok() });
        assert!(up.await.is_some(), "the private S3 server did not start");
        let created = reqwest::Client::new().put(format!("{}/outage", self.endpoint())).send().await.unwrap();
        assert!(created.status().is_success(), "cannot create the bucket: {}", created.status());
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateS3 {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn with_the_object_store_down_uploads_get_a_503_and_leave_nothing_half_written() {
    super::require_mariadb();
    let mut s3 = PrivateS3::start().await;
    let endpoint = s3.endpoint();
    let app = spawn_with(move |config| {
        config.storage.s3_endpoint = endpoint;
        config.storage.s3_bucket = "outage".into();
    })
    .await;
    let session = app.sign_in().await;
    let persona = app.create_persona(&session.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let stored = app.upload_photo(&session.access_token, persona_id, "a.png", png(64, 48)).await;
    assert_eq!(stored.status(), StatusCode::CREATED);

    s3.kill();
    let refused = app.upload_photo(&session.access_token, persona_id, "b.png", png(64, 48)).await;
    assert_eq!(refused.headers().get(header::RETRY_AFTER).map(|value| value.to_str().unwrap()), Some("5"));
    assert_problem(refused, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert_eq!(app.count("persona_photos").await, 1, "no row for the photo that was not stored");
    assert_eq!(app.persona(persona_id).await.status(), StatusCode::OK, "what needs no object still answers");

    s3.resume().await;
    let again = app.upload_photo(&session.access_token, persona_id, "c.png", png(64, 48)).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(app.count("persona_photos").await, 2);
}
