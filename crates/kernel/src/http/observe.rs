//! Request ids, structured request logs and RED metrics labelled by the matched route.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request, State},
    http::Method,
    middleware::Next,
    response::Response,
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, histogram::Histogram},
};

use crate::metrics::Metrics;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub listener: &'static str,
    pub method: &'static str,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub listener: &'static str,
    pub method: &'static str,
    pub route: String,
}

/// The HTTP families, registered once per process.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

fn duration_histogram() -> Histogram {
    Histogram::new([0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0])
}

impl HttpMetrics {
    pub fn register(metrics: &Metrics) -> Self {
        let this = Self {
            requests: Family::default(),
            duration: Family::new_with_constructor(duration_histogram as fn() -> Histogram),
        };
        metrics.register(
            "http_requests",
            "HTTP requests by listener, method, matched route and status",
            this.requests.clone(),
        );
        metrics.register(
            "http_request_duration_seconds",
            "HTTP request latency by listener, method and matched route",
            this.duration.clone(),
        );
        this
    }
}

/// State of the metrics middleware: which listener it counts for.
#[derive(Clone)]
pub struct ObserveState {
    pub metrics: HttpMetrics,
    pub listener: &'static str,
}

/// The method label: one of the standard methods, or `other`, so that a client
/// inventing methods cannot create new series.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::CONNECT,
    ];
    KNOWN.iter().find(|known| *known == method).map_or("other", Method::as_str)
}

/// Records one request: count by status, and latency. The route label is the matched
/// path template (`/api/v1/users/{id}`), never the raw path, so cardinality stays bounded.
pub async fn record(State(state): State<ObserveState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let listener = state.listener;
    state
        .metrics
        .duration
        .get_or_create(&RouteLabels { listener, method, route: route.clone() })
        .observe(started.elapsed().as_secs_f64());
    state.metrics.requests.get_or_create(&RequestLabels { listener, method, route, status }).inc();
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"R12345").unwrap_or(Method::GET)), "other");
    }
}
