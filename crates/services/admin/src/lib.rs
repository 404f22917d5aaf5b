//! Staff console (管理后台): sign-in through the company's OpenID Connect provider,
//! server-side staff sessions with CSRF protection, and the staff accounts. Everything
//! is served on the staff listener only, under `/staff/admin`.

mod accounts;
mod audit;
mod auth;
pub mod config;
mod error;
mod lexicon;
mod moderation;
pub mod oidc;
mod openapi;
mod peers;
mod personas;
mod queue;
pub mod roles;
mod session;
mod store;
mod users;
mod views;

use std::sync::Arc;

use axum::{routing::get, Json};
use utoipa_axum::{router::OpenApiRouter, routes};
use yujie_db::Migrations;
use yujie_kernel::{Platform, ServiceRoutes};

pub use config::{AdminConfig, OidcConfig, LOCAL_OIDC_CLIENT_SECRET};
pub use error::AdminError;
pub use session::{Staff, COOKIE, CSRF_HEADER};
pub use store::StaffAccount;

use crate::{oidc::OidcClient, store::AdminStore};

pub fn migrations() -> Migrations {
    Migrations {
        service: "admin",
        sqlite: sqlx::migrate!("migrations/sqlite"),
        mysql: sqlx::migrate!("migrations/mysql"),
    }
}

/// The admin service; the state of its routes.
#[derive(Clone)]
pub struct Admin {
    inner: Arc<Inner>,
}

struct Inner {
    platform: Platform,
    config: AdminConfig,
    store: AdminStore,
    oidc: OidcClient,
    peers: peers::Peers,
}

impl Admin {
    pub fn build(platform: &Platform, config: &AdminConfig) -> Self {
        let oidc = OidcClient::new(
            &config.oidc,
            &platform.public_base_url,
            &platform.staff_base_url,
            platform.http_client.clone(),
        );
        let store = AdminStore::new(platform.db.clone());
        let peers = peers::Peers::new(platform);
        Self { inner: Arc::new(Inner { platform: platform.clone(), config: config.clone(), store, oidc, peers }) }
    }

    /// The console API under `/staff/admin`, with its OpenAPI document at
    /// `/staff/admin/openapi.json`; sign-in's browser redirects are not in the document.
    pub fn routes(&self) -> ServiceRoutes {
        let (api, document) = OpenApiRouter::with_openapi(<openapi::ConsoleApi as utoipa::OpenApi>::openapi())
            .routes(routes!(auth::me))
            .routes(routes!(auth::logout))
            .routes(routes!(accounts::list))
            .routes(routes!(accounts::end_sessions))
            .routes(routes!(queue::queue))
            .routes(routes!(moderation::resolve))
            .routes(routes!(moderation::ban, moderation::unban))
            .routes(routes!(moderation::audit_log))
            .routes(routes!(users::search))
            .routes(routes!(users::detail))
            .routes(routes!(personas::sync_states))
            .routes(routes!(personas::feedback))
            .routes(routes!(personas::set_style))
            .routes(routes!(lexicon::words, lexicon::add))
            .routes(routes!(lexicon::import))
            .routes(routes!(lexicon::remove))
            .routes(routes!(lexicon::hits))
            .split_for_parts();
        let document = Arc::new(openapi::complete(document));
        let staff = api
            .route("/auth/login", get(auth::login))
            .route("/auth/callback", get(auth::callback))
            .route("/openapi.json", get(move || async move { Json(document.as_ref().clone()) }))
            .with_state(self.clone());
        ServiceRoutes { staff, ..ServiceRoutes::empty("admin") }
    }

    fn now_ms(&self) -> i64 {
        self.inner.platform.clock.now_ms()
    }

    fn db(&self) -> &yujie_db::Db {
        &self.inner.platform.db
    }
}
