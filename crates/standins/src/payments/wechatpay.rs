//! WeChat Pay v3 Native, as WeChat Pay answers it.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};
use yujie_kernel::{ids::random_hex, Platform};

use super::{
    crypto::{seal_aes_256_gcm, ChannelSigner, MerchantVerifier},
    Ledger, SimulatePayRequest, SimulatedPayment,
};
use crate::WechatPayAccount;

/// WeChat Pay's signing side: its platform key, the serial it signs under and the
/// merchant's APIv3 key. Public so that tests can craft (and tamper with) notifications.
pub struct WechatPayPeer {
    pub signer: ChannelSigner,
    pub serial: String,
    pub api_v3_key: String,
}

/// Signed headers and body of a notification or answer.
pub struct Signed {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl WechatPayPeer {
    /// Signs `body` as WeChat Pay does: `timestamp\nnonce\nbody\n`.
    pub fn sign(&self, body: &str, timestamp: i64) -> Signed {
        let nonce = random_hex(16);
        let message = format!("{timestamp}\n{nonce}\n{body}\n");
        let signature = self.signer.sign_base64(message.as_bytes());
        Signed {
            headers: vec![
                ("Wechatpay-Serial".into(), self.serial.clone()),
                ("Wechatpay-Timestamp".into(), timestamp.to_string()),
                ("Wechatpay-Nonce".into(), nonce),
                ("Wechatpay-Signature".into(), signature),
                ("Wechatpay-Signature-Type".into(), "WECHATPAY2-SHA256-RSA2048".into()),
            ],
            body: body.to_owned(),
        }
    }

    /// A `TRANSACTION.SUCCESS` notification carrying `transaction`, encrypted with the
    /// APIv3 key and signed.
    pub fn notification(&self, transaction: &Value, timestamp: i64) -> Signed {
        let nonce = random_hex(6);
        let ciphertext =
            seal_aes_256_gcm(self.api_v3_key.as_bytes(), &nonce, "transaction", transaction.to_string().as_bytes())
                .unwrap_or_default();
        let body = json!({
            "id": uuid_like(),
            "create_time": chrono::Utc::now().to_rfc3339(),
            "event_type": "TRANSACTION.SUCCESS",
            "resource_type": "encrypt-resource",
            "summary": "支付成功",
            "resource": {
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": "transaction",
                "original_type": "transaction",
                "nonce": nonce,
            },
        });
        self.sign(&body.to_string(), timestamp)
    }
}

fn uuid_like() -> String {
    random_hex(16)
}

#[derive(Clone)]
struct Order {
    appid: String,
    mchid: String,
    total: i64,
    notify_url: String,
    code_url: String,
    trade_state: &'static str,
    transaction_id: Option<String>,
}

#[derive(Clone)]
struct Standin {
    platform: Platform,
    account: WechatPayAccount,
    merchant: std::sync::Arc<MerchantVerifier>,
    peer: std::sync::Arc<WechatPayPeer>,
    orders: Ledger<Order>,
}

/// WeChat Pay's side of this merchant account (the stand-in's own keys).
pub fn peer(account: &WechatPayAccount) -> anyhow::Result<WechatPayPeer> {
    Ok(WechatPayPeer {
        signer: ChannelSigner::from_pem(account.platform_private_key.expose())?,
        serial: account.platform_serial.clone(),
        api_v3_key: account.api_v3_key.expose().to_owned(),
    })
}

pub fn router(platform: &Platform, account: &WechatPayAccount) -> Router {
    let built = (|| -> anyhow::Result<Standin> {
        let merchant_key = account.merchant_private_key.expose();
        Ok(Standin {
            platform: platform.clone(),
            account: account.clone(),
            merchant: std::sync::Arc::new(MerchantVerifier::of_private_pem(merchant_key)?),
            peer: std::sync::Arc::new(peer(account)?),
            orders: Ledger::default(),
        })
    })();
    let standin = match built {
        Ok(standin) => standin,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "the WeChat Pay stand-in has no usable keys");
            return Router::new();
        }
    };
    Router::new()
        .route("/v3/pay/transactions/native", post(create))
        .route("/v3/pay/transactions/out-trade-no/{no}", get(query))
        .route("/v3/pay/transactions/out-trade-no/{no}/close", post(close))
        .route("/simulate-pay", post(simulate_pay))
        .with_state(standin)
}

impl Standin {
    /// Checks our `Authorization` header as WeChat Pay does.
    fn check_request(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &str) -> Result<(), Box<Response>> {
        let config = &self.account;
        let header = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default();
        let fields: std::collections::HashMap<&str, &str> = header
            .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
            .unwrap_or_default()
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(key, value)| (key.trim(), value.trim_matches('"')))
            .collect();
        let field = |name: &str| fields.get(name).copied().unwrap_or_default();
        // Our stand-in is mounted under a prefix; WeChat Pay sees the path from /v3.
        let path = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or_default();
        let path = path.find("/v3/").map_or(path, |at| &path[at..]);
        let message = format!("{method}\n{path}\n{}\n{}\n{body}\n", field("timestamp"), field("nonce_str"));
        let fresh = field("timestamp")
            .parse::<i64>()
            .is_ok_and(|timestamp| (self.platform.clock.now_ms() / 1000 - timestamp).abs() <= 300);
        if field("mchid") != config.mchid
            || field("serial_no") != config.merchant_serial
            || !fresh
            || !self.merchant.verify_base64(message.as_bytes(), field("signature"))
        {
            return Err(Box::new(
                self.answer(StatusCode::UNAUTHORIZED, json!({ "code": "SIGN_ERROR", "message": "签名错误" })),
            ));
        }
        Ok(())
    }

    fn answer(&self, status: StatusCode, body: Value) -> Response {
        let text = if status == StatusCode::NO_CONTENT { String::new() } else { body.to_string() };
        let signed = self.peer.sign(&text, self.platform.clock.now_ms() / 1000);
        let mut response = (status, signed.body).into_response();
        for (name, value) in signed.headers {
            if let (Ok(name), Ok(value)) = (name.parse::<axum::http::HeaderName>(), value.parse()) {
                response.headers_mut().insert(name, value);
            }
        }
        if status != StatusCode::NO_CONTENT {
            response.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("application/json"));
        }
        response
    }

    fn transaction(&self, out_trade_no: &str, order: &Order) -> Value {
        json!({
            "appid": order.appid, "mchid": order.mchid, "out_trade_no": out_trade_no,
            "transaction_id": order.transaction_id, "trade_type": "NATIVE", "trade_state": order.trade_state,
            "trade_state_desc": order.trade_state, "success_time": chrono::Utc::now().to_rfc3339(),
            "payer": { "openid": "oStandinPayer000000000000000" },
            "amount": { "total": order.total, "payer_total": order.total, "currency": "CNY", "payer_currency": "CNY" },
        })
    }
}

async fn create(State(standin): State<Standin>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body);
    if let Err(refused) = standin.check_request(&method, &uri, &headers, &body) {
        return *refused;
    }
    let request: Value = serde_json::from_str(&body).unwrap_or_default();
    let config = &standin.account;
    let out_trade_no = request["out_trade_no"].as_str().unwrap_or_default().to_owned();
    let valid_no = (6..=32).contains(&out_trade_no.len())
        && out_trade_no.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"_-*".contains(&byte));
    let total = request["amount"]["total"].as_i64().unwrap_or(0);
    let notify_url = request["notify_url"].as_str().unwrap_or_default().to_owned();
    if request["appid"] != config.appid.as_str() || request["mchid"] != config.mchid.as_str() {
        return standin.answer(
            StatusCode::BAD_REQUEST,
            json!({ "code": "APPID_MCHID_NOT_MATCH", "message": "appid和mch_id不匹配" }),
        );
    }
    if !valid_no || total <= 0 || notify_url.is_empty() || notify_url.contains('?') {
        return standin.answer(StatusCode::BAD_REQUEST, json!({ "code": "PARAM_ERROR", "message": "参数错误" }));
    }
    let code_url = standin.orders.with(|orders| {
        orders
            .entry(out_trade_no)
            .or_insert_with(|| Order {
                appid: config.appid.clone(),
                mchid: config.mchid.clone(),
                total,
                notify_url,
                code_url: format!("weixin://wxpay/bizpayurl?pr={}", &random_hex(5)[..7]),
                trade_state: "NOTPAY",
                transaction_id: None,
            })
            .code_url
            .clone()
    });
    standin.answer(StatusCode::OK, json!({ "code_url": code_url }))
}

async fn query(
    State(standin): State<Standin>,
    Path(no): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = standin.check_request(&method, &uri, &headers, "") {
        return *refused;
    }
    match standin.orders.with(|orders| orders.get(&no).cloned()) {
        Some(order) => standin.answer(StatusCode::OK, standin.transaction(&no, &order)),
        None => standin.answer(StatusCode::NOT_FOUND, json!({ "code": "ORDER_NOT_EXIST", "message": "订单不存在" })),
    }
}

async fn close(
    State(standin): State<Standin>,
    Path(no): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = standin.check_request(&method, &uri, &headers, &String::from_utf8_lossy(&body)) {
        return *refused;
    }
    let outcome = standin.orders.with(|orders| match orders.get_mut(&no) {
        None => Err(("ORDER_NOT_EXIST", StatusCode::NOT_FOUND)),
        Some(order) if order.trade_state == "SUCCESS" => Err(("ORDER_PAID", StatusCode::BAD_REQUEST)),
        Some(order) => {
            order.trade_state = "CLOSED";
            Ok(())
        }
    });
    match outcome {
        Ok(()) => standin.answer(StatusCode::NO_CONTENT, Value::Null),
        Err((code, status)) => standin.answer(status, json!({ "code": code, "message": code })),
    }
}

/// 「模拟支付」: the buyer pays; WeChat Pay notifies us (unless `deliver` is false).
async fn simulate_pay(
    State(standin): State<Standin>,
    Json(request): Json<SimulatePayRequest>,
) -> Result<Json<SimulatedPayment>, (StatusCode, String)> {
    let paid = standin.orders.with(|orders| {
        let order = orders.get_mut(&request.out_trade_no)?;
        if order.trade_state == "NOTPAY" {
            order.trade_state = "SUCCESS";
            order.transaction_id = Some(format!("4200{}", &random_hex(12)));
        }
        Some(order.clone())
    });
    let Some(order) = paid.filter(|order| order.trade_state == "SUCCESS") else {
        return Err((StatusCode::NOT_FOUND, "no such unpaid or paid order".into()));
    };
    let transaction = standin.transaction(&request.out_trade_no, &order);
    let mut peer = peer(&standin.account).map_err(|error| (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    if let Some(serial) = request.serial {
        peer.serial = serial;
    }
    let signed = peer.notification(&transaction, standin.platform.clock.now_ms() / 1000);
    let (mut callback_status, mut callback_body) = (None, None);
    if request.deliver.unwrap_or(true) {
        let mut post = standin.platform.http_client.post(&order.notify_url).header("content-type", "application/json");
        for (name, value) in &signed.headers {
            post = post.header(name.as_str(), value.as_str());
        }
        let response =
            post.body(signed.body.clone()).send().await.map_err(|e| (StatusCode::BAD_GATEWAY, e.to_string()))?;
        callback_status = Some(response.status().as_u16());
        callback_body = response.text().await.ok();
    }
    Ok(Json(SimulatedPayment {
        notify_url: order.notify_url,
        fields: signed.headers,
        body: signed.body,
        callback_status,
        callback_body,
    }))
}
