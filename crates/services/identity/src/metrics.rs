use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family},
};
use yujie_kernel::Metrics;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    pub outcome: &'static str,
}

/// Business metrics of sign-in.
#[derive(Clone)]
pub struct IdentityMetrics {
    logins: Family<Outcome, Counter>,
    wechat_events: Family<Outcome, Counter>,
}

impl IdentityMetrics {
    pub fn register(metrics: &Metrics) -> Self {
        let this = Self { logins: Family::default(), wechat_events: Family::default() };
        metrics.register("identity_logins", "Sign-in attempts by outcome", this.logins.clone());
        metrics.register("identity_wechat_events", "WeChat callback pushes by outcome", this.wechat_events.clone());
        this
    }

    pub fn login(&self, outcome: &'static str) {
        self.logins.get_or_create(&Outcome { outcome }).inc();
    }

    pub fn wechat_event(&self, outcome: &'static str) {
        self.wechat_events.get_or_create(&Outcome { outcome }).inc();
    }
}
