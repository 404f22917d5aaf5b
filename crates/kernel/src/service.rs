//! What services share at runtime, and the shape every service hands to the binary.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use futures::future::BoxFuture;
use serde::{de::DeserializeOwned, Serialize};
use tokio_util::sync::CancellationToken;
use utoipa_axum::router::OpenApiRouter;
use yujie_blob::Blob;
use yujie_db::Db;
use yujie_kv::SharedKv;

use crate::{
    auth::{bearer_token, TokenKeys},
    config::InternalConfig,
    error::{ApiError, ErrorCode},
    wait::WaitSlots,
    Clock, Metrics, PlatformConfig, Secret,
};

/// The infrastructure handed to every service: built once at startup from config.
#[derive(Clone)]
pub struct Platform {
    pub config: Arc<PlatformConfig>,
    pub db: Db,
    pub kv: SharedKv,
    pub blob: Blob,
    pub clock: Clock,
    pub metrics: Arc<Metrics>,
    pub tokens: TokenKeys,
    /// How clients reach the public listener, e.g. `https://yujie.example`.
    pub public_base_url: String,
    /// How other services and staff browsers reach this process's staff listener (e.g.
    /// through an intranet gateway).
    pub staff_base_url: String,
    /// This process's staff listener at its bound loopback address, for calls to itself.
    pub staff_local_url: String,
    pub http_client: reqwest::Client,
    /// Timeouts and circuit breakers for partner services.
    pub upstreams: crate::upstream::Upstreams,
    /// The sensitive-word filter every written text passes.
    pub safety: crate::safety::Safety,
    /// Image checks and renditions, bounded process-wide.
    pub images: yujie_media::ImagePool,
    /// Open long-polls and event streams per user and per address.
    pub waits: WaitSlots,
    /// Cancelled when the process shuts down; workers stop on it.
    pub shutdown: CancellationToken,
}

/// A background task of a service, run until shutdown.
pub type Worker = BoxFuture<'static, anyhow::Result<()>>;

/// What a service contributes to the process.
pub struct ServiceRoutes {
    pub name: &'static str,
    /// Public API, mounted under `/api/v1` and documented in the OpenAPI document.
    pub public: OpenApiRouter,
    /// Service-to-service API, on the staff listener only, under `/internal/<name>`,
    /// behind the internal token.
    pub internal: Router,
    /// Staff console API, on the staff listener only, under `/staff/<name>`.
    pub staff: Router,
    pub workers: Vec<Worker>,
}

impl ServiceRoutes {
    pub fn empty(name: &'static str) -> Self {
        Self { name, public: OpenApiRouter::new(), internal: Router::new(), staff: Router::new(), workers: Vec::new() }
    }
}

/// The internal tokens a process accepts: its own (`internal.token`) and, during a
/// rotation, `internal.accepted_token`.
#[derive(Clone)]
pub struct InternalTokens(Arc<[Secret]>);

impl InternalTokens {
    pub fn of(config: &InternalConfig) -> Self {
        let accepted = Some(&config.accepted_token).filter(|token| !token.expose().is_empty());
        Self(std::iter::once(&config.token).chain(accepted).cloned().collect())
    }

    fn accept(&self, presented: &str) -> bool {
        // Every token is compared, so the time taken does not tell which one matched.
        self.0.iter().fold(false, |any, token| constant_time_eq(presented.as_bytes(), token.expose().as_bytes()) | any)
    }
}

/// Guards internal routes: the caller must present an internal token.
pub async fn require_internal_token(State(tokens): State<InternalTokens>, request: Request, next: Next) -> Response {
    let presented = bearer_token(request.headers()).unwrap_or_default();
    if !tokens.accept(presented) {
        return ApiError::new(ErrorCode::Unauthenticated).with_detail("internal token required").into_response();
    }
    next.run(request).await
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Calls another service's internal API over HTTP (split deployments).
#[derive(Clone)]
pub struct InternalClient {
    base_url: String,
    token: Secret,
    http: reqwest::Client,
}

impl InternalClient {
    /// `base_url` is the other process's staff listener; `service` its name.
    pub fn new(platform: &Platform, base_url: &str, service: &str) -> Self {
        Self {
            base_url: format!("{}/internal/{service}", base_url.trim_end_matches('/')),
            token: platform.config.internal.token.clone(),
            http: platform.http_client.clone(),
        }
    }

    /// GET a JSON resource; `None` on 404.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<Option<T>> {
        let response =
            self.http.get(format!("{}{path}", self.base_url)).bearer_auth(self.token.expose()).send().await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Ok(Some(response.error_for_status()?.json().await?))
    }

    /// Sends a JSON body and reads a JSON answer; `None` on 404.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &B,
    ) -> anyhow::Result<Option<T>> {
        let response = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(self.token.expose())
            .json(body)
            .send()
            .await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Ok(Some(response.error_for_status()?.json().await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_tokens_accept_the_own_and_the_accepted_token_only() {
        let mut config = InternalConfig { token: Secret::new("current-token"), ..InternalConfig::default() };
        assert!(InternalTokens::of(&config).accept("current-token"));
        assert!(!InternalTokens::of(&config).accept(""), "no accepted token: an empty one is not accepted");
        config.accepted_token = Secret::new("accepted-token");
        let tokens = InternalTokens::of(&config);
        assert!(tokens.accept("current-token") && tokens.accept("accepted-token"));
        assert!(!tokens.accept("other-token") && !tokens.accept(""));
    }
}
