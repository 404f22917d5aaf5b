//! Payment notifications: verified completely before anything changes. A refused one
//! is logged with its reason (never a secret) and answered so that the channel does
//! not count it as delivered.

use axum::http::HeaderMap;

use crate::{alipay, domain::Channel, refusal::Refusal, Billing};

/// Why a notification was not accepted.
pub enum NotifyError {
    /// Forged, tampered or not ours: nothing changed.
    Rejected(Refusal),
    /// Ours and valid, but we could not finish: the channel should retry.
    Failed(anyhow::Error),
}

impl Billing {
    /// Counts a notification by its outcome.
    pub(crate) fn count_notification(&self, channel: &'static str, result: &Result<(), NotifyError>) {
        let outcome = match result {
            Ok(()) => "accepted",
            Err(NotifyError::Rejected(refusal)) if refusal.is_authentication() => "bad_signature",
            Err(NotifyError::Rejected(_)) => "invalid",
            Err(NotifyError::Failed(_)) => "failed",
        };
        self.inner.metrics.notification(channel, outcome);
    }
}

impl From<anyhow::Error> for NotifyError {
    fn from(error: anyhow::Error) -> Self {
        NotifyError::Failed(error)
    }
}

impl From<sqlx::Error> for NotifyError {
    fn from(error: sqlx::Error) -> Self {
        NotifyError::Failed(error.into())
    }
}

fn reject(reason: impl Into<String>) -> NotifyError {
    NotifyError::Rejected(Refusal::NotOurs(reason.into()))
}

impl Billing {
    /// A WeChat Pay notification: signature (key by serial), timestamp, decryption,
    /// then appid, mchid, order and amount against ours.
    pub async fn wechatpay_notification(&self, headers: &HeaderMap, body: &str) -> Result<(), NotifyError> {
        let wechatpay = &self.inner.wechatpay;
        let transaction = wechatpay.open_notification(headers, body).map_err(NotifyError::Rejected)?;
        if transaction.appid != wechatpay.appid || transaction.mchid != wechatpay.mchid {
            return Err(reject(format!("appid/mchid {}/{} are not ours", transaction.appid, transaction.mchid)));
        }
        let order = self.inner.store.by_out_trade_no(&transaction.out_trade_no).await?;
        let Some(order) = order.filter(|order| order.channel == Channel::Wechatpay) else {
            return Err(reject(format!("unknown order {}", transaction.out_trade_no)));
        };
        let total = transaction.amount.as_ref().map(|amount| amount.total);
        if total != Some(order.amount_fen) {
            return Err(reject(format!("amount {total:?} differs from the order's {}", order.amount_fen)));
        }
        self.confirm_paid(&order, transaction.transaction_id.as_deref()).await?;
        Ok(())
    }

    /// An Alipay notification: no repeated parameter, RSA2 over the sorted parameters,
    /// then app_id, seller_id, order and
    /// total_amount against ours; only TRADE_SUCCESS and TRADE_FINISHED mean paid.
    pub async fn alipay_notification(&self, body: &[u8]) -> Result<(), NotifyError> {
        let alipay = &self.inner.alipay;
        let form = alipay::parse_notification_form(body).map_err(NotifyError::Rejected)?;
        let notice = alipay.open_notification(&form).map_err(NotifyError::Rejected)?;
        if notice.app_id != alipay.app_id {
            return Err(reject(format!("app_id {} is not ours", notice.app_id)));
        }
        if notice.seller_id != alipay.seller_id {
            return Err(reject(format!("seller_id {} is not ours", notice.seller_id)));
        }
        let order = self.inner.store.by_out_trade_no(&notice.out_trade_no).await?;
        let Some(order) = order.filter(|order| order.channel == Channel::Alipay) else {
            return Err(reject(format!("unknown order {}", notice.out_trade_no)));
        };
        if notice.total_amount.0 != order.amount_fen {
            return Err(reject(format!(
                "total_amount {} differs from the order's {}",
                notice.total_amount, order.amount_fen
            )));
        }
        if !alipay::is_paid(&notice.trade_status) {
            // A genuine status change that is not a payment: acknowledged, nothing to do.
            tracing::info!(
                out_trade_no = notice.out_trade_no,
                status = notice.trade_status,
                "Alipay status notification"
            );
            return Ok(());
        }
        self.confirm_paid(&order, notice.trade_no.as_deref()).await?;
        Ok(())
    }
}
