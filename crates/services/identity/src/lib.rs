//! Identity: WeChat QR sign-in, users, sessions and bans (F0).
//!
//! A sign-in is a login attempt with its own WeChat scene. The browser waits on the
//! attempt (long-poll or SSE) while WeChat pushes the scan to our callback, which may
//! land on any instance; the key-value store's notifications wake the waiter wherever it
//! is. The waiter's instance then claims the scanned attempt once and issues the tokens.

mod auth_state;
mod client;
pub mod config;
pub mod domain;
mod error;
mod login;
mod metrics;
mod profile;
mod routes;
mod sessions;
mod store;
pub mod wechat;

use std::sync::Arc;

use axum::extract::FromRef;
pub use client::{
    BanRequest, Done, ExtendMembership, HttpIdentityClient, IdentityClient, MembershipEnd, MembershipRequest, UserBrief,
};
pub use config::{WechatConfig, WechatMessageMode};
pub use error::IdentityError;
use yujie_db::Migrations;
use yujie_kernel::{auth::Authenticator, config::STANDIN_PATH, wait::SharedPoll, Platform, ServiceRoutes};

use crate::{
    auth_state::SharedAuthState,
    metrics::IdentityMetrics,
    store::{AttemptRow, IdentityStore},
    wechat::{api::WechatApi, crypto::MessageCipher},
};

pub fn migrations() -> Migrations {
    Migrations {
        service: "identity",
        sqlite: sqlx::migrate!("migrations/sqlite"),
        mysql: sqlx::migrate!("migrations/mysql"),
    }
}

/// The identity service. Cheap to clone; it is the state of its routes.
#[derive(Clone)]
pub struct Identity {
    inner: Arc<Inner>,
}

struct Inner {
    platform: Platform,
    config: WechatConfig,
    store: IdentityStore,
    wechat: WechatApi,
    cipher: Option<MessageCipher>,
    auth_state: SharedAuthState,
    authenticator: Authenticator,
    metrics: IdentityMetrics,
    /// Every waiter on one sign-in attempt shares one reader.
    login_polls: SharedPoll<String, AttemptRow>,
}

impl FromRef<Identity> for Authenticator {
    fn from_ref(identity: &Identity) -> Self {
        identity.inner.authenticator.clone()
    }
}

impl Identity {
    pub fn build(platform: &Platform, config: &WechatConfig) -> anyhow::Result<Self> {
        let store = IdentityStore::new(platform.db.clone());
        let api_base = match (config.api_base.as_str(), platform.config.standins.enabled) {
            ("", true) => format!("{}{STANDIN_PATH}/wechat", platform.public_base_url),
            ("", false) => "https://api.weixin.qq.com".to_owned(),
            (configured, _) => configured.to_owned(),
        };
        let wechat = WechatApi::new(
            &api_base,
            &config.appid,
            config.app_secret.clone(),
            platform.upstreams.partner("wechat", platform.http_client.clone()),
            platform.kv.clone(),
        );
        let cipher = match config.message_mode {
            WechatMessageMode::Plain => None,
            _ => Some(MessageCipher::new(config.encoding_aes_key.expose(), &config.appid)?),
        };
        if config.message_mode != WechatMessageMode::Safe {
            tracing::warn!(
                mode = ?config.message_mode,
                "WeChat pushes may arrive unencrypted: their signature does not cover the body; use safe mode"
            );
        }
        let auth_state = SharedAuthState::new(store.clone(), platform.kv.clone(), platform.clock.clone());
        let authenticator =
            Authenticator::new(platform.tokens.clone(), Arc::new(auth_state.clone()), platform.clock.clone());
        let metrics = IdentityMetrics::register(&platform.metrics);
        Ok(Self {
            inner: Arc::new(Inner {
                platform: platform.clone(),
                config: config.clone(),
                store,
                wechat,
                cipher,
                auth_state,
                authenticator,
                metrics,
                login_polls: SharedPoll::new(platform.kv.clone(), login::WAIT_POLL),
            }),
        })
    }

    /// Checks access tokens for every service of this process.
    pub fn authenticator(&self) -> Authenticator {
        self.inner.authenticator.clone()
    }

    /// The in-process client other services of this process use.
    pub fn client(&self) -> Arc<dyn IdentityClient> {
        Arc::new(self.clone())
    }

    pub fn routes(&self) -> ServiceRoutes {
        ServiceRoutes {
            name: "identity",
            public: routes::public(self),
            internal: routes::internal(self),
            staff: axum::Router::new(),
            workers: vec![
                Box::pin(sessions::purge_worker(self.clone())),
                Box::pin(auth_state::republish_worker(
                    self.inner.auth_state.clone(),
                    self.inner.platform.shutdown.clone(),
                )),
            ],
        }
    }

    fn now_ms(&self) -> i64 {
        self.inner.platform.clock.now_ms()
    }
}
