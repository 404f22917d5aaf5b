use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{exponential_buckets, Histogram},
    },
};
use yujie_kernel::Metrics;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChannelLabel {
    pub channel: &'static str,
}

/// Business metrics of billing: orders by channel and how long fulfilment takes.
#[derive(Clone)]
pub struct BillingMetrics {
    created: Family<ChannelLabel, Counter>,
    paid: Family<ChannelLabel, Counter>,
    expired: Family<ChannelLabel, Counter>,
    fulfilment_seconds: Histogram,
}

impl BillingMetrics {
    pub fn register(metrics: &Metrics) -> Self {
        let this = Self {
            created: Family::default(),
            paid: Family::default(),
            expired: Family::default(),
            fulfilment_seconds: Histogram::new(exponential_buckets(0.005, 4.0, 10)),
        };
        metrics.register("billing_orders_created", "Orders created, by channel", this.created.clone());
        metrics.register("billing_orders_paid", "Orders paid, by channel", this.paid.clone());
        metrics.register("billing_orders_expired", "Orders expired unpaid, by channel", this.expired.clone());
        metrics.register(
            "billing_fulfilment_seconds",
            "From the payment's confirmation to the membership extension",
            this.fulfilment_seconds.clone(),
        );
        this
    }

    pub fn created(&self, channel: &'static str) {
        self.created.get_or_create(&ChannelLabel { channel }).inc();
    }

    pub fn paid(&self, channel: &'static str) {
        self.paid.get_or_create(&ChannelLabel { channel }).inc();
    }

    pub fn expired(&self, channel: &'static str) {
        self.expired.get_or_create(&ChannelLabel { channel }).inc();
    }

    pub fn fulfilled_after(&self, millis: i64) {
        self.fulfilment_seconds.observe(millis.max(0) as f64 / 1000.0);
    }
}
