//! WeChat Pay API v3, Native: create, query and close orders with signed requests and
//! verified answers, and verify and decrypt payment notifications.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Context as _};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::json;
use yujie_kernel::{ids::random_hex, upstream::Upstream, Clock, Secret};

use crate::config::WechatPayConfig;
use crate::{
    crypto::{aes_gcm_decrypt, RsaSigner, RsaVerifier},
    domain::Fen,
    refusal::Refusal,
};

/// How far a signed timestamp may be from our clock, as the official SDKs allow.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

pub struct WechatPay {
    api_base: String,
    pub appid: String,
    pub mchid: String,
    merchant_serial: String,
    signer: RsaSigner,
    api_v3_key: Secret,
    /// Verification keys by `Wechatpay-Serial`: certificate serials and `PUB_KEY_ID_…`.
    platform_keys: HashMap<String, RsaVerifier>,
    pub notify_url: String,
    upstream: Upstream,
    clock: Clock,
}

/// The decrypted transaction of a notification, or a query's answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Transaction {
    pub appid: String,
    pub mchid: String,
    pub out_trade_no: String,
    pub transaction_id: Option<String>,
    pub trade_state: String,
    pub amount: Option<TransactionAmount>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TransactionAmount {
    pub total: i64,
}

#[derive(Deserialize)]
struct Notification {
    event_type: String,
    resource_type: String,
    resource: Resource,
}

#[derive(Deserialize)]
struct Resource {
    algorithm: String,
    ciphertext: String,
    #[serde(default)]
    associated_data: String,
    nonce: String,
}

impl WechatPay {
    pub fn new(
        config: &WechatPayConfig,
        api_base: String,
        notify_url: String,
        upstream: Upstream,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let signer = RsaSigner::from_pem(config.merchant_private_key.expose())
            .context("billing.wechatpay.merchant_private_key")?;
        let mut platform_keys = HashMap::new();
        for key in &config.platform_keys {
            let verifier = RsaVerifier::from_pem(&key.pem)
                .with_context(|| format!("billing.wechatpay.platform_keys serial {}", key.serial))?;
            platform_keys.insert(key.serial.clone(), verifier);
        }
        Ok(Self {
            api_base: api_base.trim_end_matches('/').to_owned(),
            appid: config.appid.clone(),
            mchid: config.mchid.clone(),
            merchant_serial: config.merchant_serial.clone(),
            signer,
            api_v3_key: config.api_v3_key.clone(),
            platform_keys,
            notify_url,
            upstream,
            clock,
        })
    }

    /// The `Authorization` header of a request: SHA256withRSA over
    /// `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n`.
    pub fn authorization(&self, method: &str, path_and_query: &str, body: &str) -> anyhow::Result<String> {
        let timestamp = self.clock.now_ms() / 1000;
        let nonce = random_hex(16).to_uppercase();
        let message = format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n");
        let signature = self.signer.sign_base64(message.as_bytes())?;
        Ok(format!(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.mchid, self.merchant_serial
        ))
    }

    /// Checks `Wechatpay-*` headers over `body`: the key chosen by serial, the
    /// timestamp within ±300 s, then the signature. The error is the reason to log.
    pub fn verify_signed(&self, headers: &HeaderMap, body: &str) -> Result<(), Refusal> {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default();
        let serial = header("wechatpay-serial");
        let Some(key) = self.platform_keys.get(serial) else {
            return Err(Refusal::UnknownSerial(serial.to_owned()));
        };
        let timestamp: i64 = header("wechatpay-timestamp").parse().map_err(|_| Refusal::MissingTimestamp)?;
        let now = self.clock.now_ms() / 1000;
        if (now - timestamp).abs() > MAX_CLOCK_SKEW_SECS {
            return Err(Refusal::StaleTimestamp(now - timestamp));
        }
        let message = format!("{timestamp}\n{}\n{body}\n", header("wechatpay-nonce"));
        if !key.verify_base64(message.as_bytes(), header("wechatpay-signature")) {
            return Err(Refusal::BadSignature);
        }
        Ok(())
    }

    /// Verifies and decrypts a payment notification. The caller still checks appid,
    /// mchid and amount against its own order.
    pub fn open_notification(&self, headers: &HeaderMap, body: &str) -> Result<Transaction, Refusal> {
        self.verify_signed(headers, body)?;
        self.read_notification(body)
    }

    /// Decrypts a notification whose signature was verified, and checks it reports a
    /// success.
    pub fn read_notification(&self, body: &str) -> Result<Transaction, Refusal> {
        let notification: Notification =
            serde_json::from_str(body).map_err(|error| Refusal::Malformed(format!("notification: {error}")))?;
        if notification.resource_type != "encrypt-resource" || notification.resource.algorithm != "AEAD_AES_256_GCM" {
            return Err(Refusal::Malformed("unexpected resource type or algorithm".to_owned()));
        }
        let resource = &notification.resource;
        let plain = aes_gcm_decrypt(
            self.api_v3_key.expose().as_bytes(),
            &resource.nonce,
            &resource.associated_data,
            &resource.ciphertext,
        )
        .map_err(|_| Refusal::Undecryptable)?;
        let transaction: Transaction =
            serde_json::from_slice(&plain).map_err(|error| Refusal::Malformed(format!("transaction: {error}")))?;
        if notification.event_type != "TRANSACTION.SUCCESS" || transaction.trade_state != "SUCCESS" {
            return Err(Refusal::NotASuccess { event: notification.event_type, state: transaction.trade_state });
        }
        Ok(transaction)
    }

    /// Sends a signed request and verifies the signed answer.
    async fn call(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<String>,
    ) -> anyhow::Result<(u16, String)> {
        let body = body.unwrap_or_default();
        let authorization = self.authorization(method.as_str(), path_and_query, &body)?;
        let mut request = self
            .upstream
            .http()
            .request(method, format!("{}{path_and_query}", self.api_base))
            .header("authorization", authorization)
            .header("accept", "application/json")
            .header("user-agent", "yujie-billing");
        if !body.is_empty() {
            request = request.header("content-type", "application/json").body(body);
        }
        let (status, headers, text) = self
            .upstream
            .call(async {
                let response = request.send().await.context("WeChat Pay is unreachable")?;
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let text = response.text().await?;
                // A 5xx is the channel failing (it counts toward the breaker); a 4xx is
                // an answer about this request.
                anyhow::ensure!(status < 500, "WeChat Pay failed ({status}): {text}");
                Ok((status, headers, text))
            })
            .await?;
        if (200..300).contains(&status) {
            self.verify_signed(&headers, &text).map_err(|reason| anyhow!("WeChat Pay answer refused: {reason}"))?;
        }
        Ok((status, text))
    }

    /// `POST /v3/pay/transactions/native`: the `code_url` to show as a QR code.
    pub async fn create_native(
        &self,
        out_trade_no: &str,
        description: &str,
        amount: Fen,
        time_expire: &str,
    ) -> anyhow::Result<String> {
        let body = json!({
            "appid": self.appid,
            "mchid": self.mchid,
            "description": description,
            "out_trade_no": out_trade_no,
            "time_expire": time_expire,
            "notify_url": self.notify_url,
            "amount": { "total": amount.0, "currency": "CNY" },
        });
        let (status, text) =
            self.call(reqwest::Method::POST, "/v3/pay/transactions/native", Some(body.to_string())).await?;
        if status != 200 {
            bail!("WeChat Pay refused the order ({status}): {text}");
        }
        #[derive(Deserialize)]
        struct Created {
            code_url: String,
        }
        Ok(serde_json::from_str::<Created>(&text)?.code_url)
    }

    /// `GET /v3/pay/transactions/out-trade-no/{no}`; `None` when WeChat has no such order.
    pub async fn query(&self, out_trade_no: &str) -> anyhow::Result<Option<Transaction>> {
        let path = format!("/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={}", self.mchid);
        let (status, text) = self.call(reqwest::Method::GET, &path, None).await?;
        match status {
            200 => Ok(Some(serde_json::from_str(&text)?)),
            404 => Ok(None),
            _ => bail!("WeChat Pay query failed ({status}): {text}"),
        }
    }

    /// `POST …/close`: 204 when closed.
    pub async fn close(&self, out_trade_no: &str) -> anyhow::Result<()> {
        let path = format!("/v3/pay/transactions/out-trade-no/{out_trade_no}/close");
        let body = json!({ "mchid": self.mchid }).to_string();
        let (status, text) = self.call(reqwest::Method::POST, &path, Some(body)).await?;
        if status != 204 {
            bail!("WeChat Pay close failed ({status}): {text}");
        }
        Ok(())
    }
}
