//! Orders: created in our table first, then at the channel; waited on until they end;
//! fulfilled exactly once.
//!
//! Exactly once: an order becomes `paid` by one conditional update, and the membership
//! extension is made by identity under the grant key `out_trade_no`, which identity
//! records in the same transaction as the extension. A crash between the two leaves a
//! paid, unfulfilled order that the worker retries; the grant key makes the retry (and
//! any concurrent or replayed notification) extend nothing twice.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yujie_identity::ExtendMembership;
use yujie_kernel::{
    clock::{millis_to_datetime, shanghai},
    ids::{new_id, random_hex},
    wait::Polled,
};

use crate::error::{BillingError, Result};
use crate::{
    domain::{Channel, Fen, OrderState},
    store::{NewOrder, OrderRow},
    Billing,
};

/// An order as its owner (and staff) see it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderView {
    pub id: String,
    /// Our merchant order number, as the channel knows it.
    pub out_trade_no: String,
    pub plan_id: String,
    pub channel: Channel,
    pub amount_fen: Fen,
    pub period_days: i64,
    pub state: OrderState,
    /// What to render as a QR code (`weixin://…` or an Alipay URL), while pending.
    pub qr_payload: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    /// The end of membership right after this order's extension.
    pub member_until: Option<DateTime<Utc>>,
}

/// For staff: the owner too.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StaffOrderView {
    pub user_id: String,
    pub channel_trade_no: Option<String>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub order: OrderView,
}

pub fn view(order: &OrderRow) -> OrderView {
    let state = order.state;
    OrderView {
        id: order.id.clone(),
        out_trade_no: order.out_trade_no.clone(),
        plan_id: order.plan_id.clone(),
        channel: order.channel,
        amount_fen: Fen(order.amount_fen),
        period_days: order.period_days,
        state,
        qr_payload: if state == OrderState::Pending { order.qr_payload.clone() } else { None },
        created_at: millis_to_datetime(order.created_at),
        expires_at: millis_to_datetime(order.expires_at),
        paid_at: order.paid_at.map(millis_to_datetime),
        member_until: order.member_until.map(millis_to_datetime),
    }
}

pub fn staff_view(order: &OrderRow) -> StaffOrderView {
    StaffOrderView {
        user_id: order.user_id.clone(),
        channel_trade_no: order.channel_trade_no.clone(),
        fulfilled_at: order.fulfilled_at.map(millis_to_datetime),
        order: view(order),
    }
}

pub(crate) fn order_channel(order_id: &str) -> String {
    format!("billing:order:{order_id}")
}

/// How often a waiter re-reads the order even without a notification.
pub(crate) const WAIT_POLL: Duration = Duration::from_secs(2);

impl Billing {
    /// The user's open order for this plan if there is one, else a new one with its QR.
    /// `true` when the order was created by this call.
    pub async fn create_order(&self, user_id: &str, plan_id: &str, channel: Channel) -> Result<(bool, OrderView)> {
        let config = &self.inner.config;
        let plan = config.plan(plan_id).ok_or_else(|| BillingError::invalid("plan_id", "no such plan"))?;
        let store = &self.inner.store;
        if let Some(open) = store.open_for(user_id, plan_id).await? {
            if open.expires_at > self.now_ms() && open.qr_payload.is_some() {
                return Ok((false, view(&open)));
            }
            // Its time is up but the worker has not ended it yet: settle it now.
            self.reconcile_order(&open).await.map_err(upstream)?;
            if let Some(order) = store.by_id(&open.id).await?.filter(|order| order.state == OrderState::Paid) {
                return Ok((false, view(&order)));
            }
        }
        let now = self.now_ms();
        let id = new_id();
        // Opaque and within WeChat's 32 characters of [0-9A-Za-z_-*].
        let out_trade_no = format!("YJ{}", random_hex(15));
        let expires_at = now + i64::try_from(config.order_expire_secs).unwrap_or(900) * 1000;
        let new = NewOrder {
            id: &id,
            out_trade_no: &out_trade_no,
            user_id,
            plan_id,
            channel,
            amount_fen: plan.price_fen,
            period_days: plan.period_days,
            created_at: now,
            expires_at,
        };
        if !store.insert(&new).await? {
            return match store.open_for(user_id, plan_id).await? {
                Some(open) if open.qr_payload.is_some() => Ok((false, view(&open))),
                _ => Err(BillingError::OrderBeingCreated),
            };
        }
        let subject = format!("御姐加油站 {}", plan.name);
        let asked = match channel {
            Channel::Wechatpay => {
                let time_expire =
                    millis_to_datetime(expires_at).with_timezone(&shanghai()).format("%Y-%m-%dT%H:%M:%S%:z");
                self.inner
                    .wechatpay
                    .create_native(&out_trade_no, &subject, Fen(plan.price_fen), &time_expire.to_string())
                    .await
            }
            Channel::Alipay => {
                let minutes = config.order_expire_secs.div_ceil(60);
                self.inner.alipay.precreate(&out_trade_no, &subject, Fen(plan.price_fen), &format!("{minutes}m")).await
            }
        };
        let qr = match asked {
            Ok(qr) => qr,
            Err(error) => {
                store.delete_unsent(&id).await?;
                return Err(upstream(error));
            }
        };
        store.set_qr(&id, &qr).await?;
        self.inner.metrics.created(channel.as_str());
        tracing::info!(order_id = id, out_trade_no, channel = channel.as_str(), plan_id, "order created");
        let order = store.by_id(&id).await?.ok_or_else(|| BillingError::NotFound("order"))?;
        Ok((true, view(&order)))
    }

    /// The caller's own order; someone else's is not found.
    pub async fn own_order(&self, user_id: &str, order_id: &str) -> Result<OrderRow> {
        let order = self.inner.store.by_id(order_id).await?;
        order.filter(|order| order.user_id == user_id).ok_or_else(|| BillingError::NotFound("order"))
    }

    /// Waits up to `timeout` for the order to leave `pending` (long-poll). Waiters on
    /// one order share one reader; an expired order is settled by the reconciliation
    /// worker, never by a waiter.
    pub async fn wait_order(&self, user_id: &str, order_id: &str, timeout: Duration) -> Result<OrderView> {
        let order = self.own_order(user_id, order_id).await?;
        if order.state != OrderState::Pending || timeout.is_zero() {
            return Ok(view(&order));
        }
        let billing = self.clone();
        let id = order_id.to_owned();
        let mut updates = self.inner.order_polls.watch(order_id.to_owned(), order_channel(order_id), move || {
            let (billing, id) = (billing.clone(), id.clone());
            async move {
                let order =
                    billing.inner.store.by_id(&id).await?.ok_or_else(|| anyhow::anyhow!("order {id} is gone"))?;
                let settled = order.state != OrderState::Pending;
                Ok(Polled { value: order, settled })
            }
        });
        let left_pending =
            |latest: &Option<OrderRow>| latest.as_ref().is_some_and(|order| order.state != OrderState::Pending);
        // A shutdown ends the wait with the state as it is, so that draining is quick.
        tokio::select! {
            _ = tokio::time::timeout(timeout, updates.wait_for(left_pending)) => {}
            () = self.inner.platform.shutdown.cancelled() => {}
        }
        let latest = updates.borrow().clone().unwrap_or(order);
        Ok(view(&latest))
    }

    /// A channel confirmed the payment (notification or query): mark the order paid
    /// (from any state: if the channel took the money, the user gets what they paid
    /// for, even after our expiry) and fulfil it.
    pub(crate) async fn confirm_paid(&self, order: &OrderRow, channel_trade_no: Option<&str>) -> anyhow::Result<()> {
        if order.state != OrderState::Paid
            && self.inner.store.mark_paid(&order.id, channel_trade_no, self.now_ms()).await?
        {
            self.inner.metrics.paid(order.channel.as_str(), order.amount_fen);
            if order.state != OrderState::Pending {
                tracing::warn!(
                    order_id = order.id,
                    state = order.state.as_str(),
                    "payment confirmed for an ended order; fulfilling it"
                );
            }
            tracing::info!(order_id = order.id, out_trade_no = order.out_trade_no, "order paid");
        }
        yujie_kernel::fault::point("billing.paid_not_granted").await;
        self.fulfil(&order.id).await
    }

    /// Extends membership for a paid order, once (see the module comment).
    pub(crate) async fn fulfil(&self, order_id: &str) -> anyhow::Result<()> {
        let store = &self.inner.store;
        let Some(order) = store.by_id(order_id).await? else { return Ok(()) };
        if order.state != OrderState::Paid || order.fulfilled_at.is_some() {
            return Ok(());
        }
        let request = ExtendMembership { period_days: order.period_days, grant_key: order.out_trade_no.clone() };
        let until = self
            .inner
            .identity
            .extend_membership(&order.user_id, &request)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the order's user {} does not exist", order.user_id))?;
        let now = self.now_ms();
        if store.mark_fulfilled(&order.id, until.timestamp_millis(), now).await? {
            self.inner.metrics.fulfilled_after(now - order.paid_at.unwrap_or(now));
            tracing::info!(order_id = order.id, member_until = %until, "order fulfilled");
        }
        self.wake_order_waiters(&order.id).await;
        Ok(())
    }

    pub(crate) async fn wake_order_waiters(&self, order_id: &str) {
        if let Err(error) = self.inner.platform.kv.publish(&order_channel(order_id)).await {
            // Waiters also poll, so they still answer, a little later.
            tracing::warn!(error = format!("{error:#}"), "cannot notify order waiters");
        }
    }
}

fn upstream(error: anyhow::Error) -> BillingError {
    tracing::error!(error = format!("{error:#}"), "payment channel call failed");
    BillingError::ChannelFailed(error)
}
