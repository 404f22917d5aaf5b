use std::sync::atomic::AtomicI64;

use prometheus_client::metrics::{
    counter::Counter,
    gauge::Gauge,
    histogram::{exponential_buckets, Histogram},
};
use yujie_kernel::Metrics;

/// The companion's metrics: knowledge-sync lag and failures, reply latency, messages,
/// voice seconds, and failures of the quota store.
#[derive(Clone)]
pub struct CompanionMetrics {
    messages: Counter,
    voice_seconds: Counter,
    quota_errors: Counter,
    sync_lag_seconds: Histogram,
    oldest_unsynced_seconds: Gauge<i64, AtomicI64>,
    sync_failures: Counter,
    overhead_seconds: Histogram,
    first_token_seconds: Histogram,
    replies: Counter,
}

impl CompanionMetrics {
    pub fn register(metrics: &Metrics) -> Self {
        let this = Self {
            messages: Counter::default(),
            voice_seconds: Counter::default(),
            quota_errors: Counter::default(),
            sync_lag_seconds: Histogram::new(exponential_buckets(0.05, 2.0, 14)),
            oldest_unsynced_seconds: Gauge::default(),
            sync_failures: Counter::default(),
            overhead_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            first_token_seconds: Histogram::new(exponential_buckets(0.01, 2.0, 14)),
            replies: Counter::default(),
        };
        metrics.register(
            "companion_knowledge_sync_lag_seconds",
            "From a content change to its document at the provider",
            this.sync_lag_seconds.clone(),
        );
        metrics.register(
            "companion_knowledge_oldest_unsynced_seconds",
            "Age of the oldest change not yet at the provider (0 when in sync)",
            this.oldest_unsynced_seconds.clone(),
        );
        metrics.register(
            "companion_knowledge_sync_failures",
            "Failed uploads and deletions",
            this.sync_failures.clone(),
        );
        metrics.register(
            "companion_reply_overhead_seconds",
            "Time we add before the provider is called: quota, history, character, prompt",
            this.overhead_seconds.clone(),
        );
        metrics.register(
            "companion_first_token_seconds",
            "From the request to the first token of the reply",
            this.first_token_seconds.clone(),
        );
        metrics.register("companion_replies", "Replies streamed", this.replies.clone());
        metrics.register("companion_messages", "Messages to the AI accepted within quota", this.messages.clone());
        metrics.register(
            "companion_voice_seconds",
            "Seconds of voice calls, counted when they end",
            this.voice_seconds.clone(),
        );
        metrics.register(
            "companion_quota_errors",
            "Quota checks that failed because the quota store did not answer",
            this.quota_errors.clone(),
        );
        this
    }

    pub fn synced(&self, lag_ms: i64) {
        self.sync_lag_seconds.observe(lag_ms.max(0) as f64 / 1000.0);
    }

    pub fn failed(&self) {
        self.sync_failures.inc();
    }

    pub fn set_lag(&self, lag_ms: Option<i64>) {
        self.oldest_unsynced_seconds.set(lag_ms.unwrap_or(0).max(0) / 1000);
    }

    pub fn overhead(&self, seconds: f64) {
        self.overhead_seconds.observe(seconds);
    }

    pub fn first_token(&self, seconds: f64) {
        self.first_token_seconds.observe(seconds);
    }

    pub fn replied(&self) {
        self.replies.inc();
    }

    pub fn message_accepted(&self) {
        self.messages.inc();
    }

    pub fn voice_used(&self, seconds: i64) {
        self.voice_seconds.inc_by(seconds.max(0) as u64);
    }

    pub fn quota_error(&self) {
        self.quota_errors.inc();
    }
}
