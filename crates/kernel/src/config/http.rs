//! The `[http]` section: body and connection limits, CORS, client addresses, rate limits.

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Largest JSON or form body, in bytes. Uploads have `media.max_bytes`.
    pub max_body_bytes: usize,
    /// Origins allowed by CORS, e.g. the Cloudflare Pages site. Empty: same-origin only.
    pub cors_allowed_origins: Vec<String>,
    /// Header carrying the client address when behind a proxy (`X-Forwarded-For`,
    /// `CF-Connecting-IP`). Empty: the socket peer address.
    pub client_ip_header: String,
    /// The proxies (CIDRs, e.g. `10.0.0.0/8`) whose `client_ip_header` is believed. The
    /// header from any other peer is ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// Longest time to receive a request's headers, and to wait for the next request on
    /// a kept-alive connection.
    pub header_read_timeout_secs: u64,
    /// A connection with no byte in either direction for this long is closed (long-polls
    /// wait at most 30 s and server-sent events send a keep-alive every 10 s).
    pub idle_timeout_secs: u64,
    /// On SIGTERM: how long in-flight requests get to finish before the process stops
    /// (keep it below the orchestrator's kill timeout: 30 s in Swarm and Kubernetes).
    /// Waits and event streams end at once, telling clients when to reconnect.
    pub shutdown_grace_secs: u64,
    /// Open connections per listener; further clients wait in the accept backlog.
    pub max_connections: usize,
    /// Long-polls and event streams one user, and one address, may hold open at once
    /// (per process); one more is answered 429.
    pub max_waits_per_client: usize,
    /// Per-route limits by rule name; see `RateRule`.
    pub rate_limits: BTreeMap<String, RateRule>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RateRule {
    /// Successful requests per window.
    pub limit: u64,
    pub window_secs: u64,
    /// All requests per window, refused ones included. Absent: five times `limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u64>,
}

impl RateRule {
    pub fn new(limit: u64, window_secs: u64) -> Self {
        Self { limit, window_secs, attempts: None }
    }

    pub fn attempt_limit(&self) -> u64 {
        self.attempts.unwrap_or(self.limit.saturating_mul(5))
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        let rule = RateRule::new;
        Self {
            max_body_bytes: 1 << 20,
            cors_allowed_origins: Vec::new(),
            client_ip_header: String::new(),
            trusted_proxies: Vec::new(),
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            shutdown_grace_secs: 20,
            max_connections: 4096,
            max_waits_per_client: 4,
            rate_limits: BTreeMap::from([
                ("login_qr".into(), rule(20, 60)),
                ("login_wait".into(), rule(120, 60)),
                ("token_refresh".into(), rule(60, 60)),
                ("profile_write".into(), rule(30, 3600)),
                ("content_write".into(), rule(300, 3600)),
                ("photo_upload".into(), rule(60, 3600)),
                ("post_create".into(), rule(10, 3600)),
                ("comment_create".into(), rule(60, 3600)),
                ("report_create".into(), rule(30, 3600)),
                ("reaction".into(), rule(600, 3600)),
                ("order_create".into(), rule(30, 3600)),
                ("companion_message".into(), rule(60, 60)),
                ("companion_call".into(), rule(30, 3600)),
            ]),
        }
    }
}
