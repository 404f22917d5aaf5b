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

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NotificationLabels {
    pub channel: &'static str,
    /// accepted, bad_signature, invalid or failed.
    pub outcome: &'static str,
}

/// Business metrics of billing: orders and revenue by channel, the channels'
/// notifications by outcome, what reconciliation had to settle, and how long fulfilment
/// takes.
#[derive(Clone)]
pub struct BillingMetrics {
    created: Family<ChannelLabel, Counter>,
    paid: Family<ChannelLabel, Counter>,
    revenue_fen: Family<ChannelLabel, Counter>,
    expired: Family<ChannelLabel, Counter>,
    notifications: Family<NotificationLabels, Counter>,
    reconciled: Family<ChannelLabel, Counter>,
    fulfilment_seconds: Histogram,
}

impl BillingMetrics {
    pub fn register(metrics: &Metrics) -> Self {
        let this = Self {
            created: Family::default(),
            paid: Family::default(),
            revenue_fen: Family::default(),
            expired: Family::default(),
            notifications: Family::default(),
            reconciled: Family::default(),
            fulfilment_seconds: Histogram::new(exponential_buckets(0.005, 4.0, 10)),
        };
        metrics.register("billing_orders_created", "Orders created, by channel", this.created.clone());
        metrics.register("billing_orders_paid", "Orders paid, by channel", this.paid.clone());
        metrics.register("billing_revenue_fen", "Money paid, in fen, by channel", this.revenue_fen.clone());
        metrics.register("billing_orders_expired", "Orders expired unpaid, by channel", this.expired.clone());
        metrics.register(
            "billing_notifications",
            "Payment notifications from the channels, by outcome",
            this.notifications.clone(),
        );
        metrics.register(
            "billing_reconciled_orders",
            "Orders the channel reported paid that only reconciliation settled here",
            this.reconciled.clone(),
        );
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

    pub fn paid(&self, channel: &'static str, amount_fen: i64) {
        self.paid.get_or_create(&ChannelLabel { channel }).inc();
        self.revenue_fen.get_or_create(&ChannelLabel { channel }).inc_by(amount_fen.max(0) as u64);
    }

    pub fn notification(&self, channel: &'static str, outcome: &'static str) {
        self.notifications.get_or_create(&NotificationLabels { channel, outcome }).inc();
    }

    pub fn reconciled(&self, channel: &'static str) {
        self.reconciled.get_or_create(&ChannelLabel { channel }).inc();
    }

    pub fn expired(&self, channel: &'static str) {
        self.expired.get_or_create(&ChannelLabel { channel }).inc();
    }

    pub fn fulfilled_after(&self, millis: i64) {
        self.fulfilment_seconds.observe(millis.max(0) as f64 / 1000.0);
    }
}
