use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use yujie::Config;
use yujie::{Application, ServiceSet};
use yujie_kernel::{Clock, Platform};
use yujie_standins::wechat::{SimulatedScan, WechatPeer};

/// Where a test's data lives: a fresh SQLite file, or a fresh MySQL database and a
/// fresh Redis key prefix. Instances built on the same backend share it.
pub struct TestBackend {
    pub database_url: String,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    /// The S3-compatible endpoint and bucket of the MariaDB + Redis pass.
    pub s3: Option<(String, String)>,
    pub dir: tempfile::TempDir,
}

pub fn is_mysql() -> bool {
    std::env::var("YUJIE_TEST_BACKEND").as_deref() == Ok("mysql")
}

impl TestBackend {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("yujie_test_{}", uuid::Uuid::new_v4().simple());
        if is_mysql() {
            let server = std::env::var("YUJIE_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
            let database_url = yujie_db::create_mysql_database(&server, &name)
                .await
                .expect("the MariaDB + Redis pass needs MariaDB at YUJIE_TEST_MYSQL_URL");
            let redis_url = std::env::var("YUJIE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
            let s3 = Some(create_bucket(&name.replace('_', "-")).await);
            Self { database_url, redis_url: Some(redis_url), redis_prefix: name, s3, dir }
        } else {
            let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("yujie.db").display());
            Self { database_url, redis_url: None, redis_prefix: name, s3: None, dir }
        }
    }

    /// The config of an instance on this backend: everything local and on port 0.
    pub fn config(&self) -> Config {
        let mut config = Config::default();
        config.public.bind = "127.0.0.1:0".into();
        config.staff.bind = "127.0.0.1:0".into();
        config.database.url = yujie_kernel::Secret::new(self.database_url.clone());
        config.database.max_connections = 8;
        if let Some(url) = &self.redis_url {
            config.redis.url = yujie_kernel::Secret::new(url.clone());
        }
        config.redis.prefix = self.redis_prefix.clone();
        config.storage.local_dir = self.dir.path().join("objects").display().to_string();
        if let Some((endpoint, bucket)) = &self.s3 {
            config.storage.backend = yujie_kernel::config::StorageBackend::S3;
            config.storage.s3_endpoint = endpoint.clone();
            config.storage.s3_bucket = bucket.clone();
            config.storage.s3_access_key_id = "test".into();
            config.storage.s3_secret_access_key = yujie_kernel::Secret::new("test");
            config.storage.s3_url_mode = yujie_kernel::config::S3UrlMode::Presigned;
        }
        config.log.filter = "warn".into();
        config.web.dir = String::new();
        // Generated once per machine and shared by every test: RSA key generation is slow.
        config.billing.local_keys_file =
            std::env::temp_dir().join("yujie-test-payment-keys.json").display().to_string();
        config
    }
}

impl Drop for TestBackend {
    /// Drops the test's MySQL database, so runs do not pile databases up on the server.
    fn drop(&mut self) {
        if self.s3.is_none() {
            return;
        }
        let (url, name) = (self.database_url.clone(), self.redis_prefix.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                use sqlx::Connection as _;
                let mut connection = sqlx::AnyConnection::connect(&url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`")).execute(&mut connection).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("could not drop test database {}", self.redis_prefix);
        }
    }
}

/// A fresh bucket on the S3-compatible test server (`YUJIE_TEST_S3_ENDPOINT`).
async fn create_bucket(bucket: &str) -> (String, String) {
    let endpoint = std::env::var("YUJIE_TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:5055".into());
    let response = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the MariaDB + Redis pass needs an S3-compatible server at YUJIE_TEST_S3_ENDPOINT");
    assert!(response.status().is_success(), "cannot create bucket {bucket}: {}", response.status());
    (endpoint, bucket.to_owned())
}

pub struct TestApp {
    pub public: String,
    pub staff: String,
    pub http: reqwest::Client,
    pub platform: Platform,
    /// The whole configuration in force (the platform holds only its shared part).
    pub config: std::sync::Arc<Config>,
    /// Keeps the temporary folder and database alive as long as the app.
    _backend: std::sync::Arc<TestBackend>,
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: String,
    pub openid: String,
    pub access_token: String,
    pub refresh_token: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    let backend = std::sync::Arc::new(TestBackend::new().await);
    spawn_on(backend, Clock::system(), ServiceSet::all(), customize).await
}

/// Starts an instance on an existing backend: bind first, then serve in the background.
pub async fn spawn_on(
    backend: std::sync::Arc<TestBackend>,
    clock: Clock,
    services: ServiceSet,
    customize: impl FnOnce(&mut Config),
) -> TestApp {
    let mut config = backend.config();
    customize(&mut config);
    yujie_kernel::telemetry::init(&config.log);
    let app = Application::build(config, services, clock).await.expect("the app builds");
    let public = format!("http://127.0.0.1:{}", app.public_port());
    let staff = format!("http://127.0.0.1:{}", app.staff_port());
    let (platform, config) = (app.platform().clone(), app.config().clone());
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { public, staff, http, platform, config, _backend: backend }
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

impl TestApp {
    /// This app's backend and helpers, talking to another instance's public URL (one in
    /// a child process).
    pub fn at(&self, public: &str) -> TestApp {
        TestApp {
            public: public.to_owned(),
            staff: String::new(),
            http: self.http.clone(),
            platform: self.platform.clone(),
            config: self.config.clone(),
            _backend: self._backend.clone(),
        }
    }

    /// What the stand-ins have on file for this app's accounts with each party.
    pub fn standin_accounts(&self) -> yujie_standins::Accounts {
        yujie::standin_accounts::accounts(&self.config, &self.platform)
    }

    /// The staff listener's Prometheus exposition.
    pub async fn metrics(&self) -> String {
        self.http.get(format!("{}/metrics", self.staff)).send().await.unwrap().text().await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.header("authorization", bearer(token));
        }
        request.send().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.http.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.header("authorization", bearer(token));
        }
        request.send().await.unwrap()
    }

    /// An internal call on the staff listener, with the internal token.
    pub async fn internal(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self
            .http
            .request(method, format!("{}/internal{path}", self.staff))
            .header("authorization", bearer(self.platform.config.internal.token.expose()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn create_login(&self) -> Value {
        let response = self.http.post(self.url("/api/v1/auth/wechat/logins")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// 「模拟扫码」: the stand-in pushes a scan of `ticket` to `callback` (ours by default).
    pub async fn simulate_scan(&self, ticket: &str, openid: Option<&str>, callback: Option<&str>) -> SimulatedScan {
        self.standin_scan(json!({ "ticket": ticket, "openid": openid, "callback_url": callback })).await
    }

    /// Asks the stand-in for a scan push without sending it.
    pub async fn undelivered_scan(&self, ticket: &str, openid: &str) -> SimulatedScan {
        self.standin_scan(json!({ "ticket": ticket, "openid": openid, "deliver": false })).await
    }

    async fn standin_scan(&self, request: Value) -> SimulatedScan {
        let response = self.post_json("/_standin/wechat/simulate-scan", None, &request).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    pub async fn wait_login(&self, login_id: &str, timeout_secs: u64) -> Response {
        self.get(&format!("/api/v1/auth/wechat/logins/{login_id}?timeout_secs={timeout_secs}"), None).await
    }

    /// The whole sign-in: QR, scan, wait.
    pub async fn sign_in_as(&self, openid: Option<&str>) -> Session {
        let login = self.create_login().await;
        let scan = self.simulate_scan(login["ticket"].as_str().unwrap(), openid, None).await;
        assert_eq!(scan.callback_status, Some(200));
        let response = self.wait_login(login["login_id"].as_str().unwrap(), 5).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "completed", "{body}");
        Session {
            user_id: body["user"]["id"].as_str().unwrap().to_owned(),
            openid: scan.openid,
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// The session with fresh tokens, through the refresh route.
    pub async fn refresh(&self, session: &Session) -> Session {
        let response =
            self.post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": session.refresh_token })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        Session {
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
            ..session.clone()
        }
    }

    pub async fn sign_in(&self) -> Session {
        self.sign_in_as(None).await
    }

    pub async fn ban(&self, user_id: &str, reason: &str) {
        let response = self
            .internal(
                reqwest::Method::PUT,
                &format!("/identity/users/{user_id}/ban"),
                Some(json!({ "reason": reason })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    }

    /// The WeChat peer matching this app's config, to craft pushes by hand.
    pub fn wechat_peer(&self) -> WechatPeer {
        let config = &self.config.wechat;
        let aes_key = match config.message_mode {
            yujie_identity::WechatMessageMode::Plain => None,
            _ => WechatPeer::decode_aes_key(config.encoding_aes_key.expose()),
        };
        WechatPeer {
            token: config.token.expose().to_owned(),
            appid: config.appid.clone(),
            aes_key,
            account_id: config.original_id.clone(),
        }
    }

    /// Posts a push to our callback.
    pub async fn push(&self, query: &[(String, String)], body: &str) -> Response {
        self.http
            .post(self.url("/api/v1/auth/wechat/callback"))
            .query(query)
            .header("content-type", "text/xml")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    /// True while `subject` (`u:<user id>` or `ip:127.0.0.1`) holds a long-poll or event
    /// stream open on this instance. Only meaningful with `http.max_waits_per_client = 1`:
    /// the subject's one slot is then taken.
    pub fn holds_a_wait(&self, subject: &str) -> bool {
        self.platform.waits.acquire(vec![subject.to_owned()]).is_err()
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row as _;
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(self.platform.db.pool())
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap()
    }

    pub async fn attempt_status(&self, login_id: &str) -> String {
        use sqlx::Row as _;
        sqlx::query("SELECT status FROM login_attempts WHERE id = ?")
            .bind(login_id)
            .fetch_one(self.platform.db.pool())
            .await
            .unwrap()
            .try_get("status")
            .unwrap()
    }
}

/// Asserts a problem+json answer with this status and code; returns the body.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "expected {status} {code}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    body
}

/// Polls `check` until it holds or `within` passes; returns the time it took.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < within {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

/// A small valid PNG.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::DynamicImage::new_rgb8(width, height)
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// A server that accepts connections, reads nothing, answers nothing, and counts them.
pub struct SilentServer {
    pub url: String,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl SilentServer {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                held.push(socket);
            }
        });
        Self { url, connections }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}
