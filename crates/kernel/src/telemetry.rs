use tracing_subscriber::{fmt, layer::SubscriberExt as _, util::SubscriberInitExt as _, EnvFilter};

use crate::config::LogConfig;

/// Structured logs: one JSON object per line with the request span's fields (request
/// id, method, route), or human-readable lines with `log.format = "pretty"`.
/// Safe to call twice (tests): the second call changes nothing.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_new(&config.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _already_set = if config.format == crate::config::LogFormat::Pretty {
        registry.with(fmt::layer().compact()).try_init()
    } else {
        registry.with(fmt::layer().json().with_current_span(true).with_span_list(false).flatten_event(true)).try_init()
    };
}
