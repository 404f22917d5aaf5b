//! WeChat Pay and Alipay stand-ins: they verify our signed requests with our public
//! keys, hand out QR payloads, answer queries and closes, and on 「模拟支付」 notify us
//! with their own keys (WeChat Pay's resource encrypted with the APIv3 key).

pub mod alipay;
pub mod crypto;
pub mod wechatpay;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use serde::{Deserialize, Serialize};

/// A 「模拟支付」 request.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SimulatePayRequest {
    pub out_trade_no: String,
    /// `false` marks the order paid without notifying us (a dropped notification).
    pub deliver: Option<bool>,
    /// WeChat Pay only: the `Wechatpay-Serial` to sign under.
    pub serial: Option<String>,
}

/// What the stand-in sent (or would have sent) and what we answered.
#[derive(Debug, Deserialize, Serialize)]
pub struct SimulatedPayment {
    pub notify_url: String,
    /// WeChat Pay: the headers; Alipay: the form fields.
    pub fields: Vec<(String, String)>,
    /// WeChat Pay: the JSON body; Alipay: the encoded form.
    pub body: String,
    pub callback_status: Option<u16>,
    pub callback_body: Option<String>,
}

/// Orders a stand-in knows, by out_trade_no.
pub(crate) struct Ledger<T>(Arc<Mutex<HashMap<String, T>>>);

impl<T> Clone for Ledger<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Default for Ledger<T> {
    fn default() -> Self {
        Self(Arc::default())
    }
}

impl<T> Ledger<T> {
    pub(crate) fn with<R>(&self, action: impl FnOnce(&mut HashMap<String, T>) -> R) -> R {
        action(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
