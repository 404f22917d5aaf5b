//! The platform's part of the configuration: listeners, stores, HTTP, tokens and trust,
//! shared by every service. Each service's own section (`[wechat]`, `[billing]`,
//! `[companion]`, `[admin]`) lives beside its service; the product binary puts them
//! together and loads them in layers: built-in defaults (local mode), then a TOML file,
//! then `YUJIE_…` environment variables, where `__` separates levels
//! (`YUJIE_DATABASE__URL=mysql://…`). `config/example.toml` documents every key.

use std::path::Path;

use figment::{
    providers::{Env, Format as _, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

mod checks;
mod http;
mod log;
mod media;
mod safety;
mod storage;
mod stores;
mod trust;
mod upstream;
mod web;
pub use http::{HttpConfig, RateRule};
pub use log::{LogConfig, LogFormat};
pub use media::MediaConfig;
pub use safety::SafetyConfig;
pub use storage::{S3UrlMode, StorageBackend, StorageConfig};
pub use stores::{DatabaseConfig, RedisConfig};
pub use trust::{AuthConfig, InternalConfig, StandinsConfig};
pub use upstream::UpstreamConfig;
pub use web::WebConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Embedded defaults: SQLite, local files, local stand-ins for third parties.
    #[default]
    Local,
    /// Real accounts only: refuses default secrets and stand-ins.
    Production,
}

/// Unknown keys are refused by the product's whole configuration, which holds this one
/// flattened beside the services' sections.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PlatformConfig {
    pub mode: Mode,
    /// Local mode serves stand-ins that let anyone sign in as anyone, so it binds to
    /// loopback only unless this is set (a shared demo box, on purpose).
    pub allow_public_bind: bool,
    pub public: ListenerConfig,
    pub web: WebConfig,
    pub staff: ListenerConfig,
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub storage: StorageConfig,
    pub http: HttpConfig,
    pub upstream: UpstreamConfig,
    pub auth: AuthConfig,
    pub internal: InternalConfig,
    pub media: MediaConfig,
    pub safety: SafetyConfig,
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

/// Where the local stand-ins are served on the public listener.
pub const STANDIN_PATH: &str = "/_standin";

/// Values of the local-mode defaults. Production refuses to start while any secret
/// still equals one of these.
pub mod local_defaults {
    pub const JWT_SECRET: &str = "local-only-jwt-secret-not-for-production-000";
    pub const INTERNAL_TOKEN: &str = "local-only-internal-token";
    pub const S3_SECRET: &str = "";
}

impl Default for PlatformConfig {
    fn default() -> Self {
        Self {
            mode: Mode::Local,
            allow_public_bind: false,
            public: ListenerConfig { bind: "127.0.0.1:8080".into(), base_url: String::new() },
            web: WebConfig::default(),
            staff: ListenerConfig { bind: "127.0.0.1:8081".into(), base_url: String::new() },
            database: DatabaseConfig::default(),
            redis: RedisConfig::default(),
            storage: StorageConfig::default(),
            http: HttpConfig::default(),
            upstream: UpstreamConfig::default(),
            auth: AuthConfig::default(),
            internal: InternalConfig::default(),
            media: MediaConfig::default(),
            safety: SafetyConfig::default(),
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

impl PlatformConfig {
    /// The layered sources of the whole configuration, over `defaults`: `file` if given (it
    /// must exist), then the environment.
    pub fn figment(defaults: impl Serialize, file: Option<&Path>) -> anyhow::Result<Figment> {
        let mut figment = Figment::from(Serialized::defaults(defaults));
        if let Some(file) = file {
            anyhow::ensure!(file.exists(), "config file {} does not exist", file.display());
            figment = figment.merge(Toml::file(file));
        }
        let env = Env::prefixed("YUJIE_").split("__").filter(|key| {
            let key = key.as_str().to_ascii_lowercase();
            key != "config" && !key.starts_with("test_")
        });
        Ok(figment.merge(env))
    }

    /// The rate-limit rule by name, or a permissive default for unknown names.
    pub fn rate_rule(&self, name: &str) -> RateRule {
        self.http.rate_limits.get(name).copied().unwrap_or(RateRule::new(600, 60))
    }
}
