use std::sync::{Mutex, PoisonError};

use prometheus_client::{encoding::text::encode, registry::Registry};

/// This process's metric registry. Every service registers its business metrics here;
/// `/metrics` on the staff listener renders it for Prometheus.
pub struct Metrics {
    registry: Mutex<Registry>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self { registry: Mutex::new(Registry::with_prefix("yujie")) }
    }
}

impl Metrics {
    pub fn register(&self, name: &str, help: &str, metric: impl prometheus_client::registry::Metric) {
        self.registry.lock().unwrap_or_else(PoisonError::into_inner).register(name, help, metric);
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(error) = encode(&mut out, &registry) {
            tracing::error!(%error, "cannot encode metrics");
        }
        out
    }
}
