//! The key-value layer shared by every service.
//!
//! It holds short-lived, cross-instance state: ban and revocation caches, login waits,
//! rate-limit windows and deduplication marks. Two implementations sit behind [`Kv`]:
//! an in-process map (one-process local mode) and Redis (several instances). Nothing
//! here is the system of record; the SQL database is.

mod hub;
mod memory;
mod redis_kv;

use std::{sync::Arc, time::Duration};

pub use hub::Subscription;
pub use memory::MemoryKv;
pub use redis_kv::RedisKv;

pub type SharedKv = Arc<dyn Kv>;

/// One interface over the in-process and Redis stores. Keys are namespaced by the
/// implementation (a configurable prefix), so callers pass bare keys like `ban:42`.
#[async_trait::async_trait]
pub trait Kv: Send + Sync + 'static {
    async fn get(&self, key: &str) -> anyhow::Result<Option<String>>;
    /// Sets the value, replacing any previous one. With Redis, always attempted (within
    /// the operation timeout) even while other calls fail fast after an error: it is how
    /// bans and revocations replace cached entries. `delete` likewise.
    async fn set(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<()>;
    /// Sets the value only if the key is absent. Returns whether it was set.
    async fn set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<bool>;
    async fn delete(&self, key: &str) -> anyhow::Result<()>;
    /// Increments a counter that starts a fresh window of `window` length when it is
    /// first created. Returns the new count and the time left in the window.
    async fn incr_window(&self, key: &str, window: Duration) -> anyhow::Result<(u64, Duration)>;
    /// Increments the counter only while it is below `limit`, atomically (one Lua script
    /// on Redis), starting a `window` when it is first created. Returns the new count, or
    /// `None` when the limit was already reached and nothing changed.
    async fn incr_capped(&self, key: &str, limit: u64, window: Duration) -> anyhow::Result<Option<u64>>;
    /// Reads a counter written by `incr_window` or `incr_capped` (0 when absent).
    async fn counter(&self, key: &str) -> anyhow::Result<u64> {
        Ok(self.get(key).await?.and_then(|value| value.parse().ok()).unwrap_or(0))
    }
    /// Takes one back from a live window (never below zero); nothing when it expired.
    async fn decr_window(&self, key: &str) -> anyhow::Result<()>;
    /// Wakes every [`Kv::subscribe`]r of `channel`, on every instance.
    async fn publish(&self, channel: &str) -> anyhow::Result<()>;
    /// Subscribes to `channel`. Subscribe before reading the state you wait on, so that
    /// a publish between the read and the wait is not missed.
    fn subscribe(&self, channel: &str) -> Subscription;
    /// Checks that the store answers (used by `/readyz`).
    async fn ping(&self) -> anyhow::Result<()>;
    fn backend(&self) -> &'static str;
}

/// Builds the store from config: Redis when a URL is given, otherwise in-process.
pub async fn connect(redis_url: Option<&str>, prefix: &str) -> anyhow::Result<SharedKv> {
    Ok(match redis_url {
        Some(url) => Arc::new(RedisKv::connect(url, prefix).await?),
        None => Arc::new(MemoryKv::new()),
    })
}
