//! Staff console (管理后台): sign-in through the company's OpenID Connect provider,
//! server-side staff sessions with CSRF protection, and the staff accounts. Everything
//! is served on the staff listener only, under `/staff/admin`.

mod audit;
mod auth;
mod lexicon;
mod moderation;
pub mod oidc;
mod peers;
mod personas;
pub mod roles;
mod session;
mod store;
mod users;

use std::sync::Arc;

use axum::{
    extract::State,
    routing::{get, post, put},
    Json, Router,
};
use yujie_db::Migrations;
use yujie_kernel::{ApiResult, Platform, ServiceRoutes};

pub use session::{Staff, COOKIE, CSRF_HEADER};
pub use store::StaffAccount;

use crate::{oidc::OidcClient, roles::Role, store::AdminStore};

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
    store: AdminStore,
    oidc: OidcClient,
    peers: peers::Peers,
}

impl Admin {
    pub fn build(platform: &Platform) -> Self {
        let oidc = OidcClient::new(
            &platform.config.admin.oidc,
            &platform.public_base_url,
            &platform.staff_base_url,
            platform.http_client.clone(),
        );
        let store = AdminStore::new(platform.db.clone());
        let peers = peers::Peers::new(platform);
        Self { inner: Arc::new(Inner { platform: platform.clone(), store, oidc, peers }) }
    }

    pub fn routes(&self) -> ServiceRoutes {
        let staff = Router::new()
            .route("/auth/login", get(auth::login))
            .route("/auth/callback", get(auth::callback))
            .route("/auth/logout", post(auth::logout))
            .route("/me", get(auth::me))
            .route("/accounts", get(accounts))
            .route("/reports", get(moderation::queue))
            .route("/reports/{kind}/{id}/resolution", post(moderation::resolve))
            .route("/personas/sync", get(personas::sync_states))
            .route("/personas/{persona_id}/feedback", get(personas::feedback))
            .route("/personas/{persona_id}/style", put(personas::set_style))
            .route("/users", get(users::search))
            .route("/users/{user_id}", get(users::detail))
            .route("/users/{user_id}/ban", put(moderation::ban).delete(moderation::unban))
            .route("/audit", get(moderation::audit_log))
            .route("/safety/words", get(lexicon::words).post(lexicon::add))
            .route("/safety/words/import", post(lexicon::import))
            .route("/safety/words/{word}", axum::routing::delete(lexicon::remove))
            .route("/safety/hits", get(lexicon::hits))
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

/// Staff accounts with their role and last sign-in (admins only).
async fn accounts(State(admin): State<Admin>, staff: Staff) -> ApiResult<Json<Vec<StaffAccount>>> {
    staff.require(Role::Admin)?;
    Ok(Json(admin.inner.store.accounts().await?))
}
