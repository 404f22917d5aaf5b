//! The `[database]` and `[redis]` sections: where state lives.

use serde::{Deserialize, Serialize};

use crate::Secret;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://data/yujie.db?mode=rwc` or `mysql://user:password@host:3306/yujie`.
    pub url: Secret,
    pub max_connections: u32,
    /// How long a request waits for a connection before it is answered 503 with
    /// Retry-After (the database is down, or every connection is busy).
    pub acquire_timeout_ms: u64,
    /// Apply pending migrations when `serve` starts. Turn off when a deploy job runs
    /// `yujie migrate` first.
    pub migrate_on_start: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisConfig {
    /// Empty: an in-process store (one process only). Required to run several instances.
    pub url: Secret,
    /// Namespaces every key, so several deployments can share one Redis.
    pub prefix: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: Secret::new("sqlite://data/yujie.db?mode=rwc"),
            max_connections: 16,
            acquire_timeout_ms: 10_000,
            migrate_on_start: true,
        }
    }
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self { url: Secret::default(), prefix: "yujie".into() }
    }
}
