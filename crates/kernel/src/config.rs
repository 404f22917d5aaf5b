//! Typed, layered configuration: built-in defaults (local mode), then a TOML file, then
//! `YUJIE_…` environment variables, where `__` separates levels
//! (`YUJIE_DATABASE__URL=mysql://…`). `config/example.toml` documents every key.

use std::path::Path;

use figment::{
    providers::{Env, Format as _, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

mod admin;
mod billing;
mod checks;
mod companion;
mod http;
mod log;
mod media;
mod safety;
mod storage;
mod stores;
mod trust;
mod upstream;
mod web;
mod wechat;
pub use admin::{AdminConfig, OidcConfig, LOCAL_OIDC_CLIENT_SECRET};
pub use billing::{AlipayConfig, BillingConfig, PlanConfig, PlatformKey, WechatPayConfig};
pub use companion::{CompanionConfig, DifyConfig, OpenaiConfig, ProviderKind, VoiceConfig};
pub use http::{HttpConfig, RateRule};
pub use log::{LogConfig, LogFormat};
pub use media::MediaConfig;
pub use safety::SafetyConfig;
pub use storage::{S3UrlMode, StorageBackend, StorageConfig};
pub use stores::{DatabaseConfig, RedisConfig};
pub use trust::{AuthConfig, InternalConfig, StandinsConfig};
pub use upstream::UpstreamConfig;
pub use web::WebConfig;
pub use wechat::{WechatConfig, WechatMessageMode};

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
    pub web: WebConfig,
    pub staff: ListenerConfig,
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub storage: StorageConfig,
    pub http: HttpConfig,
    pub upstream: UpstreamConfig,
    pub auth: AuthConfig,
    pub internal: InternalConfig,
    pub wechat: WechatConfig,
    pub media: MediaConfig,
    pub safety: SafetyConfig,
    pub admin: AdminConfig,
    pub billing: BillingConfig,
    pub companion: CompanionConfig,
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
    pub const WECHAT_APPID: &str = "wxlocalstandin0001";
    pub const WECHAT_ORIGINAL_ID: &str = "gh_localstandin01";
    pub const WECHAT_APP_SECRET: &str = "local-only-wechat-app-secret";
    pub const WECHAT_TOKEN: &str = "localonlywechattoken";
    pub const WECHAT_AES_KEY: &str = "bG9jYWwtb25seS1hZXMta2V5LW5vdC1mb3ItcHJvZDA";
    pub const S3_SECRET: &str = "";
    pub const DIFY_DATASET_KEY: &str = "local-only-dify-dataset-key";
    pub const DIFY_APP_KEY: &str = "local-only-dify-app-key";
    pub const VOICE_APP_ID: &str = "localrtcapp0001";
    pub const VOICE_ACCESS_KEY_ID: &str = "AKLTlocalstandin";
    pub const VOICE_SECRET_ACCESS_KEY: &str = "local-only-rtc-secret-access-key";
    pub const VOICE_APP_KEY: &str = "local-only-rtc-app-key";
    pub const VOICE_CALLBACK_SECRET: &str = "local-only-rtc-callback-secret";
}

impl Default for Config {
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
            wechat: WechatConfig::default(),
            media: MediaConfig::default(),
            safety: SafetyConfig::default(),
            admin: AdminConfig::default(),
            billing: BillingConfig::default(),
            companion: CompanionConfig::default(),
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

    /// The rate-limit rule by name, or a permissive default for unknown names.
    pub fn rate_rule(&self, name: &str) -> RateRule {
        self.http.rate_limits.get(name).copied().unwrap_or(RateRule::new(600, 60))
    }
}

#[cfg(test)]
mod tests;
