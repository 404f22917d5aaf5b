//! Alipay's open-platform gateway for face-to-face payment, as Alipay answers it.

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Json, Router};
use serde_json::{json, Value};
use yujie_kernel::{clock::shanghai, ids::random_hex, Platform};

use super::{
    crypto::{is_yuan, ChannelSigner, MerchantVerifier},
    Ledger, SimulatePayRequest, SimulatedPayment,
};
use crate::AlipayAccount;

/// Alipay's signing side. Public so that tests can craft (and tamper with) notifications.
pub struct AlipayPeer {
    pub signer: ChannelSigner,
}

/// `k=v&…` over sorted non-empty parameters, without `sign` (and `sign_type` when asked).
fn content(params: &[(String, String)], skip_sign_type: bool) -> String {
    let mut kept: Vec<&(String, String)> = params
        .iter()
        .filter(|(key, value)| !value.is_empty() && key != "sign" && !(skip_sign_type && key == "sign_type"))
        .collect();
    kept.sort();
    kept.iter().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join("&")
}

impl AlipayPeer {
    /// Signs notification fields as Alipay does (without `sign` and `sign_type`) and
    /// appends `sign`.
    pub fn sign_notification(&self, mut fields: Vec<(String, String)>) -> Vec<(String, String)> {
        fields.retain(|(key, _)| key != "sign");
        let signature = self.signer.sign_base64(content(&fields, true).as_bytes());
        fields.push(("sign".into(), signature));
        fields
    }
}

#[derive(Clone)]
struct Trade {
    total_amount: String,
    subject: String,
    notify_url: String,
    /// `None` until the buyer scans: Alipay creates the trade then.
    status: Option<&'static str>,
    trade_no: String,
}

#[derive(Clone)]
struct Standin {
    platform: Platform,
    account: AlipayAccount,
    app: std::sync::Arc<MerchantVerifier>,
    peer: std::sync::Arc<AlipayPeer>,
    trades: Ledger<Trade>,
}

/// Alipay's side of this application (the stand-in's own key).
pub fn peer(account: &AlipayAccount) -> anyhow::Result<AlipayPeer> {
    Ok(AlipayPeer { signer: ChannelSigner::from_pem(account.platform_private_key.expose())? })
}

pub fn router(platform: &Platform, account: &AlipayAccount) -> Router {
    let built = (|| -> anyhow::Result<Standin> {
        let app_key = account.app_private_key.expose();
        Ok(Standin {
            platform: platform.clone(),
            account: account.clone(),
            app: std::sync::Arc::new(MerchantVerifier::of_private_pem(app_key)?),
            peer: std::sync::Arc::new(peer(account)?),
            trades: Ledger::default(),
        })
    })();
    match built {
        Ok(standin) => Router::new()
            .route("/gateway.do", post(gateway))
            .route("/simulate-pay", post(simulate_pay))
            .with_state(standin),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "the Alipay stand-in has no usable keys");
            Router::new()
        }
    }
}

impl Standin {
    /// `{"<method>_response": {...}, "sign": "..."}`, signed over the response's JSON text.
    fn answer(&self, method: &str, response: &Value) -> String {
        let text = response.to_string();
        let signature = self.peer.signer.sign_base64(text.as_bytes());
        format!("{{\"{}_response\":{text},\"sign\":\"{signature}\"}}", method.replace('.', "_"))
    }
}

fn error(code: &str, msg: &str, sub_code: &str) -> Value {
    json!({ "code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_code })
}

async fn gateway(State(standin): State<Standin>, body: Bytes) -> (StatusCode, String) {
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let param =
        |name: &str| params.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone()).unwrap_or_default();
    let method = param("method");
    let signed = standin.app.verify_base64(content(&params, false).as_bytes(), &param("sign"));
    let config = &standin.account;
    if !signed || param("app_id") != config.app_id || param("sign_type") != "RSA2" {
        return (
            StatusCode::OK,
            standin.answer(&method, &error("40002", "Invalid Arguments", "isv.invalid-signature")),
        );
    }
    let biz: Value = serde_json::from_str(&param("biz_content")).unwrap_or_default();
    let out_trade_no = biz["out_trade_no"].as_str().unwrap_or_default().to_owned();
    let response = match method.as_str() {
        "alipay.trade.precreate" => {
            let total = biz["total_amount"].as_str().unwrap_or_default().to_owned();
            if out_trade_no.is_empty() || out_trade_no.len() > 64 || !is_yuan(&total) {
                error("40004", "Business Failed", "ACQ.INVALID_PARAMETER")
            } else {
                let trade = Trade {
                    total_amount: total,
                    subject: biz["subject"].as_str().unwrap_or_default().to_owned(),
                    notify_url: param("notify_url"),
                    status: None,
                    trade_no: format!("2025{}", random_hex(12)),
                };
                standin.trades.with(|trades| trades.entry(out_trade_no.clone()).or_insert(trade).clone());
                json!({ "code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                        "qr_code": format!("https://qr.alipay.com/bax{}", random_hex(10)) })
            }
        }
        "alipay.trade.query" => match standin.trades.with(|trades| trades.get(&out_trade_no).cloned()) {
            Some(Trade { status: Some(status), total_amount, trade_no, .. }) => json!({
                "code": "10000", "msg": "Success", "out_trade_no": out_trade_no, "trade_no": trade_no,
                "trade_status": status, "total_amount": total_amount, "buyer_logon_id": "sta***@standin.local",
            }),
            _ => error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST"),
        },
        "alipay.trade.close" => standin.trades.with(|trades| match trades.get_mut(&out_trade_no) {
            Some(trade) if matches!(trade.status, Some("TRADE_SUCCESS" | "TRADE_FINISHED")) => {
                error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR")
            }
            Some(trade) => {
                let existed = trade.status.is_some();
                trade.status = Some("TRADE_CLOSED");
                if existed {
                    json!({ "code": "10000", "msg": "Success", "out_trade_no": out_trade_no })
                } else {
                    error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST")
                }
            }
            None => error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST"),
        }),
        _ => error("40004", "Business Failed", "isv.invalid-method"),
    };
    (StatusCode::OK, standin.answer(&method, &response))
}

/// 「模拟支付」: the buyer scans and pays; Alipay notifies us (unless `deliver` is false).
async fn simulate_pay(
    State(standin): State<Standin>,
    Json(request): Json<SimulatePayRequest>,
) -> Result<Json<SimulatedPayment>, (StatusCode, String)> {
    let trade = standin.trades.with(|trades| {
        let trade = trades.get_mut(&request.out_trade_no)?;
        if trade.status.is_none() || trade.status == Some("WAIT_BUYER_PAY") {
            trade.status = Some("TRADE_SUCCESS");
        }
        Some(trade.clone())
    });
    let Some(trade) = trade.filter(|trade| trade.status == Some("TRADE_SUCCESS")) else {
        return Err((StatusCode::NOT_FOUND, "no such open or paid trade".into()));
    };
    let now = standin.platform.clock.now().with_timezone(&shanghai()).format("%Y-%m-%d %H:%M:%S").to_string();
    let fields: Vec<(String, String)> = [
        ("notify_time", now.clone()),
        ("notify_type", "trade_status_sync".into()),
        ("notify_id", random_hex(16)),
        ("app_id", standin.account.app_id.clone()),
        ("charset", "utf-8".into()),
        ("version", "1.0".into()),
        ("sign_type", "RSA2".into()),
        ("trade_no", trade.trade_no.clone()),
        ("out_trade_no", request.out_trade_no.clone()),
        ("trade_status", "TRADE_SUCCESS".into()),
        ("total_amount", trade.total_amount.clone()),
        ("receipt_amount", trade.total_amount.clone()),
        ("buyer_pay_amount", trade.total_amount.clone()),
        ("subject", trade.subject.clone()),
        ("gmt_create", now.clone()),
        ("gmt_payment", now),
        ("buyer_id", "2088000000000000".into()),
        ("seller_id", standin.account.seller_id.clone()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    let fields = standin.peer.sign_notification(fields);
    let body = serde_urlencoded::to_string(&fields).unwrap_or_default();
    let (mut callback_status, mut callback_body) = (None, None);
    if request.deliver.unwrap_or(true) {
        let response = standin
            .platform
            .http_client
            .post(&trade.notify_url)
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(body.clone())
            .send()
            .await
            .map_err(|error| (StatusCode::BAD_GATEWAY, error.to_string()))?;
        callback_status = Some(response.status().as_u16());
        callback_body = response.text().await.ok();
    }
    Ok(Json(SimulatedPayment { notify_url: trade.notify_url, fields, body, callback_status, callback_body }))
}
