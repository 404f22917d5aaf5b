//! The AI provider ("company B") of local mode. It serves a Dify-shaped API (knowledge
//! base and streaming chat) under `/_standin/ai/v1`, so the production `dify` adapter
//! runs over real HTTP against it, and a Volcengine-shaped RTC OpenAPI under
//! `/_standin/ai/rtc`. It is not a language model: it answers from BM25 retrieval over
//! the documents uploaded to it, quotes them, and says that it is a local stand-in.

mod dataset;
mod dify;
mod rtc;

use axum::{routing::get, Json, Router};
use yujie_kernel::Platform;

use crate::Accounts;

/// What the stand-in saw, for tests and for a look in local mode
/// (`GET /_standin/ai/state`).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Observed {
    /// Creates and updates per document name.
    pub uploads: std::collections::BTreeMap<String, u64>,
    pub deletes: u64,
    pub stopped_tasks: Vec<String>,
    pub feedback: Vec<serde_json::Value>,
    pub voice_started: Vec<String>,
    pub voice_stopped: Vec<String>,
}

pub fn router(platform: &Platform, accounts: &Accounts) -> Router {
    let state = dify::Standin::new(platform, &accounts.dify);
    let observed = state.observed.clone();
    Router::new()
        .nest("/v1", dify::router(state.clone()))
        .merge(rtc::router(platform, &accounts.rtc, observed.clone()))
        .route("/state", get(move || async move { Json(observed.with(|seen| seen.clone())) }))
}

/// Shared, lockable state of the stand-in.
#[derive(Clone, Default)]
pub struct Shared<T>(std::sync::Arc<std::sync::Mutex<T>>);

impl<T> Shared<T> {
    pub fn with<R>(&self, action: impl FnOnce(&mut T) -> R) -> R {
        action(&mut self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}
