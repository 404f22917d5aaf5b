//! The `[upstream]` section: how long a partner service (WeChat, WeChat Pay, Alipay, the
//! AI provider) may take to answer, and when its circuit breaker opens.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamConfig {
    /// Longest wait for a partner's answer (for a streamed AI reply: for its first
    /// bytes; the stream then has its own gap limit).
    pub timeout_ms: u64,
    /// Failures in a row (no answer, a timeout, a 5xx) that open a partner's breaker.
    pub breaker_failures: u32,
    /// How long an open breaker answers 503 at once before the partner is tried again.
    pub breaker_open_secs: u64,
}

impl UpstreamConfig {
    pub(super) fn problems(&self, problems: &mut Vec<String>) {
        if self.timeout_ms == 0 || self.breaker_failures == 0 || self.breaker_open_secs == 0 {
            problems.push("upstream.timeout_ms, breaker_failures and breaker_open_secs must be positive".into());
        }
    }
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        Self { timeout_ms: 5_000, breaker_failures: 5, breaker_open_secs: 30 }
    }
}
