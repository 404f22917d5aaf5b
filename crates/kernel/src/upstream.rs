//! Partner services (WeChat, WeChat Pay, Alipay, the AI provider) seen through a timeout
//! and a circuit breaker. A call that gets no answer within `upstream.timeout_ms` fails;
//! after `upstream.breaker_failures` failures in a row the breaker opens, and calls fail
//! at once with [`UpstreamError::Open`] (a 503 with Retry-After) instead of each request
//! waiting out its timeout against a dead partner. After `upstream.breaker_open_secs` one
//! call goes through as a probe: its success closes the breaker, its failure opens it
//! again. Each process keeps its own breakers.

use std::{
    future::Future,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family},
};
use tokio::time::Instant;

use crate::{config::UpstreamConfig, ApiError, ErrorCode, Metrics};

/// Why a partner was not heard from.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("{name} is not called for {} s more: it failed {failures} times in a row", retry_after.as_secs())]
    Open { name: &'static str, failures: u32, retry_after: Duration },
    #[error("{name} did not answer within {} ms", timeout.as_millis())]
    TimedOut { name: &'static str, timeout: Duration },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    Failed,
    TimedOut,
    /// Not made: the breaker was open.
    Refused,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::TimedOut => "timed_out",
            Self::Refused => "refused",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    upstream: &'static str,
    /// ok, failed, timed_out or refused (not made: the breaker was open).
    outcome: &'static str,
}

/// Makes the guards of this process's partners, sharing one call counter.
#[derive(Clone)]
pub struct Upstreams {
    config: UpstreamConfig,
    calls: Family<CallLabels, Counter>,
}

impl Upstreams {
    pub fn new(config: &UpstreamConfig, metrics: &Metrics) -> Self {
        let calls = Family::default();
        metrics.register("upstream_calls", "Calls to partner services, by partner and outcome", calls.clone());
        Self { config: config.clone(), calls }
    }

    /// One partner, reached with `http`; make it once per partner and share it.
    pub fn partner(&self, name: &'static str, http: reqwest::Client) -> Upstream {
        let config = &self.config;
        Upstream {
            http,
            inner: Arc::new(Guard {
                name,
                timeout: Duration::from_millis(config.timeout_ms.max(1)),
                threshold: config.breaker_failures.max(1),
                open_for: Duration::from_secs(config.breaker_open_secs.max(1)),
                calls: self.calls.clone(),
                state: Mutex::new(Breaker::default()),
            }),
        }
    }
}

/// One partner: the HTTP client its requests are built with, its timeout and breaker.
#[derive(Clone)]
pub struct Upstream {
    http: reqwest::Client,
    inner: Arc<Guard>,
}

struct Guard {
    name: &'static str,
    timeout: Duration,
    threshold: u32,
    open_for: Duration,
    calls: Family<CallLabels, Counter>,
    state: Mutex<Breaker>,
}

#[derive(Default)]
struct Breaker {
    failures: u32,
    /// Set while open (and while a probe is out): calls before it are refused.
    open_until: Option<Instant>,
}

impl Upstream {
    /// The client to build requests with; send them inside [`Upstream::call`].
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Runs one call to the partner under the timeout, unless the breaker is open. An
    /// `Err` from `work` counts as the partner failing: return `Ok` for answers that are
    /// refusals of the request (a 4xx), so that they do not open the breaker.
    pub async fn call<T>(&self, work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
        self.admit()?;
        let guard = &self.inner;
        match tokio::time::timeout(guard.timeout, work).await {
            Ok(Ok(value)) => {
                self.settle(Outcome::Ok);
                Ok(value)
            }
            Ok(Err(error)) => {
                self.settle(Outcome::Failed);
                Err(error)
            }
            Err(_) => {
                self.settle(Outcome::TimedOut);
                Err(UpstreamError::TimedOut { name: guard.name, timeout: guard.timeout }.into())
            }
        }
    }

    fn admit(&self) -> Result<(), UpstreamError> {
        let guard = &self.inner;
        let mut state = guard.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        match state.open_until {
            Some(until) if now < until => {
                drop(state);
                self.count(Outcome::Refused);
                Err(UpstreamError::Open { name: guard.name, failures: guard.threshold, retry_after: until - now })
            }
            // Open long enough: this call is the probe; others are refused until it settles.
            Some(_) => {
                state.open_until = Some(now + guard.open_for);
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn settle(&self, outcome: Outcome) {
        let guard = &self.inner;
        let mut state = guard.state.lock().unwrap_or_else(PoisonError::into_inner);
        if outcome == Outcome::Ok {
            *state = Breaker::default();
        } else {
            state.failures = state.failures.saturating_add(1);
            if state.failures >= guard.threshold {
                if state.open_until.is_none() {
                    tracing::warn!(upstream = guard.name, failures = state.failures, "circuit breaker opened");
                }
                state.open_until = Some(Instant::now() + guard.open_for);
            }
        }
        drop(state);
        self.count(outcome);
    }

    fn count(&self, outcome: Outcome) {
        self.inner.calls.get_or_create(&CallLabels { upstream: self.inner.name, outcome: outcome.as_str() }).inc();
    }
}

impl ApiError {
    /// A partner failed: a 503 with Retry-After while its breaker is open, else a 502;
    /// `detail` tells the user what did not happen.
    pub fn upstream(error: anyhow::Error, detail: impl Into<String>) -> Self {
        let open = error.chain().find_map(|cause| match cause.downcast_ref::<UpstreamError>() {
            Some(UpstreamError::Open { retry_after, .. }) => Some(*retry_after),
            _ => None,
        });
        let answer = match open {
            Some(retry_after) => ApiError::new(ErrorCode::Unavailable).with_retry_after(retry_after.as_secs().max(1)),
            None => ApiError::new(ErrorCode::UpstreamFailed),
        };
        answer.with_detail(detail).with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(failures: u32, open_secs: u64) -> Upstream {
        let config = UpstreamConfig { timeout_ms: 100, breaker_failures: failures, breaker_open_secs: open_secs };
        Upstreams::new(&config, &Metrics::default()).partner("partner", reqwest::Client::new())
    }

    async fn fail(upstream: &Upstream) -> anyhow::Error {
        upstream.call(async { Err::<(), _>(anyhow::anyhow!("connection refused")) }).await.unwrap_err()
    }

    fn is_open(error: &anyhow::Error) -> bool {
        matches!(error.downcast_ref::<UpstreamError>(), Some(UpstreamError::Open { .. }))
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_partner_times_out() {
        let upstream = guard(5, 30);
        let slow = upstream.call(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        });
        let error = slow.await.unwrap_err();
        assert!(matches!(error.downcast_ref::<UpstreamError>(), Some(UpstreamError::TimedOut { .. })), "{error}");
    }

    #[tokio::test(start_paused = true)]
    async fn failures_in_a_row_open_the_breaker_and_a_probe_closes_it() {
        let upstream = guard(3, 30);
        for _ in 0..3 {
            assert!(!is_open(&fail(&upstream).await));
        }
        let called = std::sync::atomic::AtomicBool::new(false);
        let refused = upstream
            .call(async {
                called.store(true, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            })
            .await
            .unwrap_err();
        assert!(is_open(&refused), "{refused}");
        assert!(!called.load(std::sync::atomic::Ordering::SeqCst), "an open breaker does not call the partner");
        let answer = ApiError::upstream(refused, "try again");
        assert_eq!(answer.code, ErrorCode::Unavailable);

        tokio::time::advance(Duration::from_secs(31)).await;
        // The probe fails: open again at once, without waiting for three more failures.
        assert!(!is_open(&fail(&upstream).await));
        assert!(is_open(&fail(&upstream).await));
        tokio::time::advance(Duration::from_secs(31)).await;
        upstream.call(async { Ok(()) }).await.unwrap();
        assert!(!is_open(&fail(&upstream).await), "a success closes the breaker and clears the count");
        assert!(!is_open(&fail(&upstream).await));
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_between_failures_resets_the_count() {
        let upstream = guard(2, 30);
        fail(&upstream).await;
        upstream.call(async { Ok(()) }).await.unwrap();
        fail(&upstream).await;
        assert!(!is_open(&fail(&upstream).await), "the second failure in a row opens it; the next call is refused");
        assert!(is_open(&fail(&upstream).await));
    }

    #[test]
    fn other_failures_are_a_bad_gateway() {
        let answer = ApiError::upstream(anyhow::anyhow!("refused"), "try again");
        assert_eq!(answer.code, ErrorCode::UpstreamFailed);
    }
}
