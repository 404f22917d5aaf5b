//! AI companion: persona chat that keeps learning, voice calls, exact daily quotas (F3).
//!
//! - `knowledge`: follows content's change feed and keeps the provider's knowledge base
//!   in step with every profile and post (持续学习).
//! - `chat`: conversations, streamed replies, thumbs-downs.
//! - `quota`: messages and voice seconds per Asia/Shanghai day, taken atomically.
//! - `voice`: calls with a signed RTC token, ended by hang-up, callback, heartbeat or
//!   deadline.
//! - `provider`: the AI provider behind one interface (`dify`, `openai`, or the local
//!   stand-in through the `dify` adapter).

mod character;
mod chat;
pub mod config;
mod error;
mod knowledge;
mod metrics;
pub mod provider;
mod quota;
mod reply_filter;
mod routes;
mod store;
pub mod voice;

pub use config::{CompanionConfig, DifyConfig, OpenaiConfig, ProviderKind, VoiceConfig};
pub use error::CompanionError;

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::extract::FromRef;
use yujie_content::ContentClient;
use yujie_db::Migrations;
use yujie_kernel::{auth::Authenticator, config::STANDIN_PATH, Platform, ServiceRoutes};

use crate::{
    metrics::CompanionMetrics,
    provider::{openai::SqlIndex, Provider},
    quota::Quota,
    store::CompanionStore,
    voice::api::RtcApi,
};

pub fn migrations() -> Migrations {
    Migrations {
        service: "companion",
        sqlite: sqlx::migrate!("migrations/sqlite"),
        mysql: sqlx::migrate!("migrations/mysql"),
    }
}

/// The companion service; the state of its routes.
#[derive(Clone)]
pub struct Companion {
    inner: Arc<Inner>,
}

struct Inner {
    platform: Platform,
    config: CompanionConfig,
    store: CompanionStore,
    provider: Provider,
    rtc: RtcApi,
    quota: Quota,
    content: Arc<dyn ContentClient>,
    authenticator: Authenticator,
    metrics: CompanionMetrics,
}

impl FromRef<Companion> for Authenticator {
    fn from_ref(companion: &Companion) -> Self {
        companion.inner.authenticator.clone()
    }
}

impl Companion {
    pub fn build(
        platform: &Platform,
        config: &CompanionConfig,
        authenticator: Authenticator,
        content: Arc<dyn ContentClient>,
    ) -> anyhow::Result<Self> {
        // Replies stream for as long as the model writes: no total timeout, but a bound on
        // connecting and on silence between chunks (providers ping every 10 s or so).
        let streaming = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .read_timeout(Duration::from_secs(60))
            .build()
            .context("cannot build the provider's HTTP client")?;
        let store = CompanionStore::new(platform.db.clone());
        let provider = Provider::from_config(platform, config, streaming, SqlIndex::new(platform.db.clone()))?;
        let voice_base = match (config.voice.api_base.as_str(), platform.config.standins.enabled) {
            ("", true) => format!("{}{STANDIN_PATH}/ai/rtc", platform.public_base_url),
            ("", false) => anyhow::bail!("companion.voice.api_base is required without stand-ins"),
            (base, _) => base.to_owned(),
        };
        let voice = platform.upstreams.partner("ai_voice", platform.http_client.clone());
        let rtc = RtcApi::new(&config.voice, &voice_base, voice, platform.clock.clone())?;
        Ok(Self {
            inner: Arc::new(Inner {
                quota: Quota::new(store.clone(), platform.kv.clone(), platform.clock.clone(), config.clone()),
                platform: platform.clone(),
                config: config.clone(),
                store,
                provider,
                rtc,
                content,
                authenticator,
                metrics: CompanionMetrics::register(&platform.metrics),
            }),
        })
    }

    pub fn routes(&self) -> ServiceRoutes {
        ServiceRoutes {
            name: "companion",
            public: routes::public(self),
            internal: routes::internal(self),
            staff: axum::Router::new(),
            workers: vec![Box::pin(knowledge::worker(self.clone())), Box::pin(voice::worker(self.clone()))],
        }
    }

    fn now_ms(&self) -> i64 {
        self.inner.platform.clock.now_ms()
    }
}
