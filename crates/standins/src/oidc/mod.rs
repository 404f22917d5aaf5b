//! The company's OpenID Connect provider in local mode, for staff signing in to the
//! staff console: OIDC Core 1.0 authorization code flow with RFC 7636 PKCE (`S256`,
//! required), at `/_standin/oidc`. The production OIDC client runs unchanged against it.
//!
//! There are no passwords: the authorization page lists three fixed staff identities
//! and the browser picks one.
//!
//! | `sub`             | `name`      | `email`                    | roles claim        |
//! |-------------------|-------------|----------------------------|--------------------|
//! | `staff-moderator` | 审核员 李娜 | `li.na@yujie.example`      | `moderator_values` |
//! | `staff-admin`     | 管理员 王强 | `wang.qiang@yujie.example` | `admin_values`     |
//! | `staff-norole`    | 实习生 张伟 | `zhang.wei@yujie.example`  | `[]` (refused)     |
//!
//! The roles go in the claim named by `admin.oidc.roles_claim` (default `groups`), in
//! the ID token and at the userinfo endpoint. `POST /rotate` switches to a new signing
//! key (see [`keys`]); `GET /state` tells tests what the provider saw.

mod authorize;
mod client_auth;
mod grants;
mod identities;
mod keys;
mod page;
mod pkce;
#[cfg(test)]
mod tests;
mod token;

use std::collections::BTreeMap;

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};
use yujie_kernel::{Clock, Platform};

use crate::OidcClient;

pub use identities::{StaffIdentity, IDENTITIES};

use crate::ai::Shared;

/// What the stand-in saw, for tests (`GET /_standin/oidc/state`).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Observed {
    pub codes_issued: Vec<IssuedCode>,
    /// Codes presented again after their first redemption.
    pub code_replays: u64,
    pub tokens_issued: u64,
    /// Token endpoint refusals per RFC 6749 error code.
    pub token_errors: BTreeMap<String, u64>,
    /// Sign-ins the staff member cancelled on the authorization page.
    pub cancelled: u64,
    pub userinfo_calls: u64,
    pub rotations: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuedCode {
    pub sub: String,
    pub client_id: String,
    pub nonce: Option<String>,
    pub issued_at_ms: i64,
}

#[derive(Clone)]
struct Provider {
    settings: std::sync::Arc<OidcClient>,
    clock: Clock,
    keys: keys::Keyring,
    grants: Shared<grants::Grants>,
    observed: Shared<Observed>,
}

impl Provider {
    fn new(settings: OidcClient, clock: Clock, keys: keys::Keyring) -> Self {
        Self { settings: settings.into(), clock, keys, grants: Shared::default(), observed: Shared::default() }
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.settings.issuer)
    }
}

pub fn router(platform: &Platform, client: &OidcClient) -> Router {
    let keys = keys::Keyring::default();
    keys.warm_up();
    routes(Provider::new(client.clone(), platform.clock.clone(), keys))
}

fn routes(provider: Provider) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/authorize", get(authorize::show).post(authorize::choose))
        .route("/token", post(token::token))
        .route("/userinfo", get(token::userinfo).post(token::userinfo))
        .route("/jwks", get(jwks))
        .route("/rotate", post(rotate))
        .route("/state", get(state))
        .with_state(provider)
}

/// OpenID Connect Discovery 1.0.
async fn discovery(State(provider): State<Provider>) -> Json<Value> {
    let roles_claim = &provider.settings.roles_claim;
    Json(json!({
        "issuer": provider.settings.issuer,
        "authorization_endpoint": provider.endpoint("/authorize"),
        "token_endpoint": provider.endpoint("/token"),
        "jwks_uri": provider.endpoint("/jwks"),
        "userinfo_endpoint": provider.endpoint("/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["iss", "sub", "aud", "iat", "exp", "auth_time", "nonce", "at_hash",
                             "name", "email", "email_verified", roles_claim],
        "authorization_response_iss_parameter_supported": true,
    }))
}

type Failure = (StatusCode, Json<Value>);

fn key_failure(error: &anyhow::Error) -> Failure {
    tracing::error!(%error, "the OIDC stand-in has no signing key");
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": "temporarily_unavailable" })))
}

async fn jwks(State(provider): State<Provider>) -> Result<Json<Value>, Failure> {
    let keys = provider.keys.published().await.map_err(|error| key_failure(&error))?;
    Ok(Json(json!({ "keys": keys.iter().map(|key| key.jwk()).collect::<Vec<_>>() })))
}

/// Switches to a new signing key; the previous one stays in the JWKS.
async fn rotate(State(provider): State<Provider>) -> Result<Json<Value>, Failure> {
    let key = provider.keys.rotate().await.map_err(|error| key_failure(&error))?;
    provider.observed.with(|seen| seen.rotations += 1);
    tracing::info!(kid = %key.kid, "the OIDC stand-in rotated its signing key");
    Ok(Json(json!({ "kid": key.kid })))
}

async fn state(State(provider): State<Provider>) -> Result<Json<Value>, Failure> {
    let keys = provider.keys.published().await.map_err(|error| key_failure(&error))?;
    let mut seen = json!(provider.observed.with(|seen| seen.clone()));
    seen["signing_kid"] = json!(keys.first().map(|key| &key.kid));
    seen["published_kids"] = json!(keys.iter().map(|key| &key.kid).collect::<Vec<_>>());
    Ok(Json(seen))
}
