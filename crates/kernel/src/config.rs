//! Typed, layered configuration: built-in defaults (local mode), then a TOML file, then
//! `YUJIE_…` environment variables, where `__` separates levels
//! (`YUJIE_DATABASE__URL=mysql://…`). `config/example.toml` documents every key.

use std::{collections::BTreeMap, net::SocketAddr, path::Path};

use figment::{
    providers::{Env, Format as _, Serialized, Toml},
    Figment,
};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::Secret;

mod billing;
pub use billing::{AlipayConfig, BillingConfig, PlanConfig, PlatformKey, WechatPayConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Embedded defaults: SQLite, local files, local stand-ins for third parties.
    #[default]
    Local,
    /// Real accounts only: refuses default secrets and stand-ins.
    Production,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub mode: Mode,
    /// Local mode serves stand-ins that let anyone sign in as anyone, so it binds to
    /// loopback only unless this is set (a shared demo box, on purpose).
    pub allow_public_bind: bool,
    pub public: ListenerConfig,
    pub staff: ListenerConfig,
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub storage: StorageConfig,
    pub http: HttpConfig,
    pub auth: AuthConfig,
    pub internal: InternalConfig,
    pub wechat: WechatConfig,
    pub media: MediaConfig,
    pub billing: BillingConfig,
    pub standins: StandinsConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListenerConfig {
    pub bind: String,
    /// The URL clients use to reach this listener. Empty: `http://<bound address>`.
    pub base_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://data/yujie.db?mode=rwc` or `mysql://user:password@host:3306/yujie`.
    pub url: Secret,
    pub max_connections: u32,
    /// Apply pending migrations when `serve` starts. Turn off when a deploy job runs
    /// `yujie migrate` first.
    pub migrate_on_start: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisConfig {
    /// Empty: an in-process store (one process only). Required to run several instances.
    pub url: Secret,
    /// Namespaces every key, so several deployments can share one Redis.
    pub prefix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// `local` (a folder) or `s3` (any S3-compatible store).
    pub backend: String,
    pub local_dir: String,
    pub s3_bucket: String,
    pub s3_region: String,
    pub s3_endpoint: String,
    pub s3_access_key_id: String,
    pub s3_secret_access_key: Secret,
    /// `public` (serve from `s3_public_base_url`) or `presigned` (signed GET URLs).
    pub s3_url_mode: String,
    pub s3_public_base_url: String,
    pub s3_presign_ttl_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Largest JSON or form body, in bytes. Uploads have `media.max_bytes`.
    pub max_body_bytes: usize,
    /// Origins allowed by CORS, e.g. the Cloudflare Pages site. Empty: same-origin only.
    pub cors_allowed_origins: Vec<String>,
    /// Header carrying the client address when behind a proxy (`X-Forwarded-For`,
    /// `CF-Connecting-IP`). Empty: the socket peer address.
    pub client_ip_header: String,
    /// The proxies (CIDRs, e.g. `10.0.0.0/8`) whose `client_ip_header` is believed. The
    /// header from any other peer is ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// Longest time to receive a request's headers, and to wait for the next request on
    /// a kept-alive connection.
    pub header_read_timeout_secs: u64,
    /// A connection with no byte in either direction for this long is closed (long-polls
    /// wait at most 30 s and server-sent events send a keep-alive every 15 s).
    pub idle_timeout_secs: u64,
    /// Open connections per listener; further clients wait in the accept backlog.
    pub max_connections: usize,
    /// Long-polls and event streams one user, and one address, may hold open at once
    /// (per process); one more is answered 429.
    pub max_waits_per_client: usize,
    /// Per-route limits by rule name; see `RateRule`.
    pub rate_limits: BTreeMap<String, RateRule>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RateRule {
    /// Successful requests per window.
    pub limit: u64,
    pub window_secs: u64,
    /// All requests per window, refused ones included. Absent: five times `limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u64>,
}

impl RateRule {
    pub fn new(limit: u64, window_secs: u64) -> Self {
        Self { limit, window_secs, attempts: None }
    }

    pub fn attempt_limit(&self) -> u64 {
        self.attempts.unwrap_or(self.limit.saturating_mul(5))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// HMAC key of access tokens: at least 32 bytes in production.
    pub jwt_secret: Secret,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InternalConfig {
    /// Bearer token that services present to each other's internal APIs.
    pub token: Secret,
    /// Where to reach each service's internal API when it is not in this process
    /// (`yujie serve --only …`): the staff listener of the process that runs it.
    pub identity_url: String,
    pub billing_url: String,
    pub content_url: String,
    pub companion_url: String,
    pub admin_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WechatMessageMode {
    /// Plain XML only.
    Plain,
    /// Plain or encrypted (WeChat's 兼容模式).
    Compatible,
    /// Encrypted only (安全模式): a plain push is refused.
    Safe,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WechatConfig {
    /// Empty: the official API, or the local stand-in when stand-ins are enabled.
    pub api_base: String,
    pub appid: String,
    pub app_secret: Secret,
    /// The callback token set in the official-account console (服务器配置 → Token).
    pub token: Secret,
    /// The 43-character EncodingAESKey, for safe and compatible modes.
    pub encoding_aes_key: Secret,
    pub message_mode: WechatMessageMode,
    /// Production refuses `plain` and `compatible` (a plain push's signature does not
    /// cover its body) unless this is set; it is logged loudly at start.
    pub allow_unencrypted: bool,
    /// The official account's original id (原始ID, `gh_…`) that pushes must be addressed
    /// to (`ToUserName`). Empty: not checked (local mode only; production requires it).
    pub original_id: String,
    /// Lifetime of a sign-in QR code and its scene.
    pub qr_expire_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    pub max_bytes: usize,
    pub max_pixels: u64,
    /// Memory one image may need while it is processed: decoded pixels (bytes per
    /// pixel of its format), an 8-bit copy of a 16-bit image, and the renditions. An
    /// image over it is refused from its header, before decoding.
    pub decode_budget_bytes: u64,
    /// Images processed at once in this process; times the budget, it bounds the
    /// memory an upload burst can take.
    pub max_concurrent_decodes: usize,
    /// Images waiting for a turn; one more is answered 503 with Retry-After.
    pub decode_queue: usize,
    /// Longest wait for a turn before a 503.
    pub decode_queue_timeout_secs: u64,
}

impl MediaConfig {
    pub fn image_pool(&self) -> yujie_media::ImagePool {
        yujie_media::ImagePool::new(
            yujie_media::ImageLimits {
                max_bytes: self.max_bytes,
                max_pixels: self.max_pixels,
                decode_budget_bytes: self.decode_budget_bytes,
            },
            yujie_media::PoolLimits {
                concurrent: self.max_concurrent_decodes,
                queue: self.decode_queue,
                queue_timeout: std::time::Duration::from_secs(self.decode_queue_timeout_secs),
            },
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StandinsConfig {
    /// Serve local stand-ins for WeChat (and later payments and the AI provider) under
    /// `/_standin/` on the public listener. Local mode only.
    pub enabled: bool,
    /// The payment stand-ins' own signing keys (WeChat Pay's platform key, Alipay's
    /// key), PKCS#8 PEM. Empty: generated at first start with our local test keys.
    pub wechatpay_private_key: Secret,
    pub alipay_private_key: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `json` (one object per line) or `pretty`.
    pub format: String,
    /// A tracing filter, e.g. `info,yujie_identity=debug`.
    pub filter: String,
}

/// Where the local stand-ins are served on the public listener.
pub const STANDIN_PATH: &str = "/_standin";

/// Values of the local-mode defaults. Production refuses to start while any secret
/// still equals one of these.
pub mod local_defaults {
    pub const JWT_SECRET: &str = "local-only-jwt-secret-not-for-production-000";
    pub const INTERNAL_TOKEN: &str = "local-only-internal-token";
    pub const WECHAT_APPID: &str = "wxlocalstandin0001";
    pub const WECHAT_ORIGINAL_ID: &str = "gh_localstandin01";
    pub const WECHAT_APP_SECRET: &str = "local-only-wechat-app-secret";
    pub const WECHAT_TOKEN: &str = "localonlywechattoken";
    pub const WECHAT_AES_KEY: &str = "bG9jYWwtb25seS1hZXMta2V5LW5vdC1mb3ItcHJvZDA";
    pub const S3_SECRET: &str = "";
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Local,
            allow_public_bind: false,
            public: ListenerConfig { bind: "127.0.0.1:8080".into(), base_url: String::new() },
            staff: ListenerConfig { bind: "127.0.0.1:8081".into(), base_url: String::new() },
            database: DatabaseConfig::default(),
            redis: RedisConfig::default(),
            storage: StorageConfig::default(),
            http: HttpConfig::default(),
            auth: AuthConfig::default(),
            internal: InternalConfig::default(),
            wechat: WechatConfig::default(),
            media: MediaConfig::default(),
            billing: BillingConfig::default(),
            standins: StandinsConfig::default(),
            log: LogConfig::default(),
        }
    }
}

impl Default for ListenerConfig {
    fn default() -> Self {
        Self { bind: "127.0.0.1:0".into(), base_url: String::new() }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { url: Secret::new("sqlite://data/yujie.db?mode=rwc"), max_connections: 16, migrate_on_start: true }
    }
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self { url: Secret::default(), prefix: "yujie".into() }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            backend: "local".into(),
            local_dir: "data/objects".into(),
            s3_bucket: String::new(),
            s3_region: "us-east-1".into(),
            s3_endpoint: String::new(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: Secret::new(local_defaults::S3_SECRET),
            s3_url_mode: "presigned".into(),
            s3_public_base_url: String::new(),
            s3_presign_ttl_secs: 3600,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        let rule = RateRule::new;
        Self {
            max_body_bytes: 1 << 20,
            cors_allowed_origins: Vec::new(),
            client_ip_header: String::new(),
            trusted_proxies: Vec::new(),
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 4096,
            max_waits_per_client: 4,
            rate_limits: BTreeMap::from([
                ("login_qr".into(), rule(20, 60)),
                ("login_wait".into(), rule(120, 60)),
                ("token_refresh".into(), rule(60, 60)),
                ("profile_write".into(), rule(30, 3600)),
                ("content_write".into(), rule(300, 3600)),
                ("photo_upload".into(), rule(60, 3600)),
                ("post_create".into(), rule(10, 3600)),
                ("comment_create".into(), rule(60, 3600)),
                ("report_create".into(), rule(30, 3600)),
                ("reaction".into(), rule(600, 3600)),
                ("order_create".into(), rule(30, 3600)),
            ]),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: Secret::new(local_defaults::JWT_SECRET),
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
        }
    }
}

impl Default for InternalConfig {
    fn default() -> Self {
        Self {
            token: Secret::new(local_defaults::INTERNAL_TOKEN),
            identity_url: String::new(),
            billing_url: String::new(),
            content_url: String::new(),
            companion_url: String::new(),
            admin_url: String::new(),
        }
    }
}

impl Default for WechatConfig {
    fn default() -> Self {
        Self {
            api_base: String::new(),
            appid: local_defaults::WECHAT_APPID.into(),
            app_secret: Secret::new(local_defaults::WECHAT_APP_SECRET),
            token: Secret::new(local_defaults::WECHAT_TOKEN),
            encoding_aes_key: Secret::new(local_defaults::WECHAT_AES_KEY),
            message_mode: WechatMessageMode::Safe,
            allow_unencrypted: false,
            original_id: local_defaults::WECHAT_ORIGINAL_ID.into(),
            qr_expire_secs: 300,
        }
    }
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            max_bytes: 10 << 20,
            max_pixels: 40_000_000,
            decode_budget_bytes: 192 << 20,
            max_concurrent_decodes: 2,
            decode_queue: 16,
            decode_queue_timeout_secs: 10,
        }
    }
}

impl Default for StandinsConfig {
    fn default() -> Self {
        Self { enabled: true, wechatpay_private_key: Secret::default(), alipay_private_key: Secret::default() }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: "json".into(), filter: "info".into() }
    }
}

impl Config {
    /// Loads defaults, then `file` if given (it must exist), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            anyhow::ensure!(file.exists(), "config file {} does not exist", file.display());
            figment = figment.merge(Toml::file(file));
        }
        let env = Env::prefixed("YUJIE_").split("__").filter(|key| {
            let key = key.as_str().to_ascii_lowercase();
            key != "config" && !key.starts_with("test_")
        });
        let config: Config = figment.merge(env).extract()?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that serde cannot: production refuses every local default.
    pub fn validate(&self) -> anyhow::Result<()> {
        let problems = self.problems();
        anyhow::ensure!(problems.is_empty(), "invalid configuration:\n  - {}", problems.join("\n  - "));
        Ok(())
    }

    fn problems(&self) -> Vec<String> {
        use local_defaults as d;
        let mut problems = Vec::new();
        if !matches!(self.storage.backend.as_str(), "local" | "s3") {
            problems.push("storage.backend must be `local` or `s3`".into());
        }
        if self.storage.backend == "s3" && !matches!(self.storage.s3_url_mode.as_str(), "public" | "presigned") {
            problems.push("storage.s3_url_mode must be `public` or `presigned`".into());
        }
        if !matches!(self.log.format.as_str(), "json" | "pretty") {
            problems.push("log.format must be `json` or `pretty`".into());
        }
        if self.wechat.message_mode != WechatMessageMode::Plain && self.wechat.encoding_aes_key.expose().len() != 43 {
            problems.push(
                "wechat.encoding_aes_key must be the 43-character EncodingAESKey in safe or compatible mode".into(),
            );
        }
        if self.http.max_connections == 0 || self.http.header_read_timeout_secs == 0 || self.http.idle_timeout_secs == 0
        {
            problems
                .push("http.max_connections, header_read_timeout_secs and idle_timeout_secs must be positive".into());
        }
        self.billing.problems(&mut problems);
        if self.mode == Mode::Local {
            self.local_bind_problems(&mut problems);
            return problems;
        }
        self.billing.production_problems(&mut problems);
        let derived_notify = self.billing.wechatpay.notify_url.is_empty() || self.billing.alipay.notify_url.is_empty();
        if derived_notify && !self.public.base_url.starts_with("https://") {
            problems.push("public.base_url must be an https URL when billing notify URLs are derived from it".into());
        }
        let mut refuse_default = |name: &str, value: &str, default: &str| {
            if value == default || value.is_empty() {
                problems.push(format!("{name} still has its local default or is empty; set a real secret"));
            }
        };
        refuse_default("auth.jwt_secret", self.auth.jwt_secret.expose(), d::JWT_SECRET);
        refuse_default("internal.token", self.internal.token.expose(), d::INTERNAL_TOKEN);
        refuse_default("wechat.appid", &self.wechat.appid, d::WECHAT_APPID);
        refuse_default("wechat.app_secret", self.wechat.app_secret.expose(), d::WECHAT_APP_SECRET);
        refuse_default("wechat.token", self.wechat.token.expose(), d::WECHAT_TOKEN);
        refuse_default("wechat.original_id", &self.wechat.original_id, d::WECHAT_ORIGINAL_ID);
        if self.wechat.message_mode != WechatMessageMode::Plain {
            refuse_default("wechat.encoding_aes_key", self.wechat.encoding_aes_key.expose(), d::WECHAT_AES_KEY);
        }
        if self.auth.jwt_secret.expose().len() < 32 {
            problems.push("auth.jwt_secret must be at least 32 bytes".into());
        }
        if self.internal.token.expose().len() < 32 {
            problems.push("internal.token must be at least 32 bytes".into());
        }
        if self.wechat.message_mode != WechatMessageMode::Safe && !self.wechat.allow_unencrypted {
            problems.push(
                "wechat.message_mode must be `safe` in production: plain pushes are signed without their body \
                 (set wechat.allow_unencrypted = true to accept that risk)"
                    .into(),
            );
        }
        if !self.http.client_ip_header.is_empty() && self.http.trusted_proxies.is_empty() {
            problems.push(
                "http.client_ip_header is set without http.trusted_proxies: any client could choose its address".into(),
            );
        }
        if self.standins.enabled {
            problems.push("standins.enabled must be false in production: stand-ins fake WeChat and payments".into());
        }
        if self.storage.backend == "s3" && self.storage.s3_secret_access_key.is_empty() {
            problems.push("storage.s3_secret_access_key is empty".into());
        }
        problems
    }

    /// Local mode runs stand-ins that sign anyone in as anyone: loopback only, unless
    /// `allow_public_bind` says otherwise.
    fn local_bind_problems(&self, problems: &mut Vec<String>) {
        if self.allow_public_bind {
            return;
        }
        for (name, bind) in [("public.bind", &self.public.bind), ("staff.bind", &self.staff.bind)] {
            let loopback = match bind.parse::<SocketAddr>() {
                Ok(address) => address.ip().is_loopback(),
                Err(_) => bind.starts_with("localhost:"),
            };
            if !loopback {
                problems.push(format!(
                    "{name} `{bind}` is not a loopback address in local mode (stand-ins let anyone sign in as \
                     anyone); set mode = \"production\", or allow_public_bind = true on purpose"
                ));
            }
        }
    }

    /// The rate-limit rule by name, or a permissive default for unknown names.
    pub fn rate_rule(&self, name: &str) -> RateRule {
        self.http.rate_limits.get(name).copied().unwrap_or(RateRule::new(600, 60))
    }

    /// Object storage as the blob crate wants it.
    pub fn blob_config(&self) -> yujie_blob::BlobConfig {
        let storage = &self.storage;
        if storage.backend == "s3" {
            yujie_blob::BlobConfig::S3 {
                bucket: storage.s3_bucket.clone(),
                region: storage.s3_region.clone(),
                endpoint: storage.s3_endpoint.clone(),
                access_key_id: storage.s3_access_key_id.clone(),
                secret_access_key: storage.s3_secret_access_key.expose().to_owned(),
                url_mode: if storage.s3_url_mode == "public" {
                    yujie_blob::S3UrlMode::Public
                } else {
                    yujie_blob::S3UrlMode::Presigned
                },
                public_base_url: storage.s3_public_base_url.clone(),
                presign_ttl_secs: storage.s3_presign_ttl_secs,
            }
        } else {
            yujie_blob::BlobConfig::Local { dir: storage.local_dir.clone() }
        }
    }
}

#[cfg(test)]
mod tests;
