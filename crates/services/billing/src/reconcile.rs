//! Reconciliation: open orders past a grace period are queried at their channel and
//! fulfilled, closed or expired (this covers a notification that never came), and paid
//! orders whose fulfilment did not complete are retried.

use std::time::Duration;

use serde::Serialize;

use crate::{
    alipay,
    domain::{Channel, Fen, OrderState},
    store::OrderRow,
    Billing,
};

/// What the channel says about an order.
#[derive(Debug, PartialEq, Eq)]
enum ChannelView {
    Paid { trade_no: Option<String> },
    Open,
    Closed,
}

/// What one pass did.
#[derive(Debug, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ReconcileReport {
    pub checked: u32,
    pub paid: u32,
    pub expired: u32,
    pub closed: u32,
    pub retried_fulfilments: u32,
    pub errors: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Settled {
    Paid,
    Expired,
    Closed,
    StillOpen,
}

impl Billing {
    /// One reconciliation pass.
    pub async fn reconcile_once(&self) -> anyhow::Result<ReconcileReport> {
        let mut report = ReconcileReport::default();
        let store = &self.inner.store;
        for order in store.unfulfilled(100).await? {
            match self.fulfil(&order.id).await {
                Ok(()) => report.retried_fulfilments += 1,
                Err(error) => {
                    report.errors += 1;
                    tracing::error!(error = format!("{error:#}"), order_id = order.id, "fulfilment retry failed");
                }
            }
        }
        let grace_ms = i64::try_from(self.inner.config.reconcile_grace_secs).unwrap_or(300) * 1000;
        for order in store.pending_before(self.now_ms() - grace_ms, 200).await? {
            report.checked += 1;
            match self.reconcile_order(&order).await {
                Ok(Settled::Paid) => report.paid += 1,
                Ok(Settled::Expired) => report.expired += 1,
                Ok(Settled::Closed) => report.closed += 1,
                Ok(Settled::StillOpen) => {}
                Err(error) => {
                    report.errors += 1;
                    tracing::error!(error = format!("{error:#}"), order_id = order.id, "reconciliation failed");
                }
            }
        }
        Ok(report)
    }

    /// Asks the channel about one pending order and acts on the answer. An unpaid order
    /// past its expiry is closed at the channel first, then marked expired.
    pub(crate) async fn reconcile_order(&self, order: &OrderRow) -> anyhow::Result<Settled> {
        let now = self.now_ms();
        let settled = match self.channel_view(order).await? {
            ChannelView::Paid { trade_no } => {
                if order.state != OrderState::Paid {
                    self.inner.metrics.reconciled(order.channel.as_str());
                    tracing::warn!(order_id = order.id, "the channel took a payment no notification reported");
                }
                self.confirm_paid(order, trade_no.as_deref()).await?;
                Settled::Paid
            }
            ChannelView::Closed => {
                self.inner.store.mark_ended(&order.id, OrderState::Closed, now).await?;
                Settled::Closed
            }
            ChannelView::Open if order.expires_at <= now => {
                if order.qr_payload.is_some() {
                    match order.channel {
                        Channel::Wechatpay => self.inner.wechatpay.close(&order.out_trade_no).await?,
                        Channel::Alipay => self.inner.alipay.close(&order.out_trade_no).await?,
                    }
                }
                if self.inner.store.mark_ended(&order.id, OrderState::Expired, now).await? {
                    self.inner.metrics.expired(order.channel.as_str());
                    tracing::info!(order_id = order.id, "order expired and closed at its channel");
                }
                Settled::Expired
            }
            ChannelView::Open => Settled::StillOpen,
        };
        if settled != Settled::StillOpen {
            self.wake_order_waiters(&order.id).await;
        }
        Ok(settled)
    }

    /// The channel's view, after checking that its order is ours (ids and amount).
    async fn channel_view(&self, order: &OrderRow) -> anyhow::Result<ChannelView> {
        if order.channel == Channel::Wechatpay {
            let wechatpay = &self.inner.wechatpay;
            let Some(transaction) = wechatpay.query(&order.out_trade_no).await? else { return Ok(ChannelView::Open) };
            let amount = transaction.amount.as_ref().map(|amount| amount.total);
            anyhow::ensure!(
                transaction.appid == wechatpay.appid
                    && transaction.mchid == wechatpay.mchid
                    && transaction.out_trade_no == order.out_trade_no
                    && amount == Some(order.amount_fen),
                "WeChat Pay's order {} does not match ours",
                order.out_trade_no
            );
            return Ok(match transaction.trade_state.as_str() {
                "SUCCESS" => ChannelView::Paid { trade_no: transaction.transaction_id },
                // A refund before we saw the payment grants nothing.
                "CLOSED" | "REVOKED" | "PAYERROR" | "REFUND" => ChannelView::Closed,
                _ => ChannelView::Open,
            });
        }
        let Some(trade) = self.inner.alipay.query(&order.out_trade_no).await? else { return Ok(ChannelView::Open) };
        anyhow::ensure!(
            Fen::parse_yuan(&trade.total_amount) == Some(Fen(order.amount_fen)),
            "Alipay's amount for {} does not match ours",
            order.out_trade_no
        );
        Ok(match trade.trade_status.as_str() {
            status if alipay::is_paid(status) => ChannelView::Paid { trade_no: trade.trade_no },
            "TRADE_CLOSED" => ChannelView::Closed,
            _ => ChannelView::Open,
        })
    }
}

/// Runs a pass every `billing.reconcile_interval_secs` until shutdown, the first one an
/// interval after start: at start it would race the notifications this instance is
/// already handling (harmless, fulfilment is once, but it would call identity twice).
pub(crate) async fn worker(billing: Billing) -> anyhow::Result<()> {
    let platform = billing.inner.platform.clone();
    let interval = Duration::from_secs(billing.inner.config.reconcile_interval_secs.max(1));
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = platform.shutdown.cancelled() => return Ok(()),
            _ = ticker.tick() => {}
        }
        match billing.reconcile_once().await {
            Ok(report) if report.checked > 0 || report.retried_fulfilments > 0 => {
                tracing::info!(?report, "billing reconciliation pass");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(error = format!("{error:#}"), "billing reconciliation pass failed"),
        }
    }
}
