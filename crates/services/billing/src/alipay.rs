//! Alipay face-to-face payment (当面付): `alipay.trade.precreate`, `.query` and
//! `.close` with RSA2-signed requests and verified answers, and notification checks.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context as _};
use serde::Deserialize;
use serde_json::{json, value::RawValue, Value};
use yujie_kernel::{clock::shanghai, upstream::Upstream, Clock};

use crate::config::AlipayConfig;
use crate::{
    crypto::{RsaSigner, RsaVerifier},
    domain::Fen,
    refusal::Refusal,
};

pub struct Alipay {
    gateway_url: String,
    pub app_id: String,
    /// The merchant's PID (`2088…`) that every notification must name as `seller_id`.
    pub seller_id: String,
    signer: RsaSigner,
    verifier: RsaVerifier,
    pub notify_url: String,
    upstream: Upstream,
    clock: Clock,
}

/// A notification's parameters, each exactly once. Alipay never repeats a parameter; a
/// form that does is refused, so that the string we verify and the values we act on are
/// read from the same map (a smuggled `out_trade_no=VICTIM&…` ahead of a genuine one
/// would otherwise verify while naming another order).
pub fn parse_notification_form(body: &[u8]) -> Result<BTreeMap<String, String>, Refusal> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|error| Refusal::Malformed(format!("form: {error}")))?;
    let mut form = BTreeMap::new();
    for (key, value) in pairs {
        if form.contains_key(&key) {
            return Err(Refusal::RepeatedParameter(key));
        }
        form.insert(key, value);
    }
    Ok(form)
}

/// The string Alipay signs: parameters with a value, but not `sign` (nor, for
/// notifications, `sign_type`), sorted by key, joined as `k=v&…` with raw values.
pub fn signing_content<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>, skip_sign_type: bool) -> String {
    let sorted: BTreeMap<&str, &str> = params
        .into_iter()
        .filter(|(key, value)| !value.is_empty() && *key != "sign" && !(skip_sign_type && *key == "sign_type"))
        .collect();
    sorted.iter().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join("&")
}

/// A verified notification's facts.
#[derive(Debug, Clone)]
pub struct Notice {
    pub app_id: String,
    pub seller_id: String,
    pub out_trade_no: String,
    pub trade_no: Option<String>,
    pub total_amount: Fen,
    pub trade_status: String,
}

/// `alipay.trade.query`'s answer; `None` from [`Alipay::query`] when no trade exists
/// yet (the buyer never scanned).
#[derive(Debug, Clone, Deserialize)]
pub struct TradeQuery {
    pub trade_status: String,
    pub trade_no: Option<String>,
    pub total_amount: String,
}

/// Only these mean paid.
pub fn is_paid(trade_status: &str) -> bool {
    matches!(trade_status, "TRADE_SUCCESS" | "TRADE_FINISHED")
}

impl Alipay {
    pub fn new(
        config: &AlipayConfig,
        gateway_url: String,
        notify_url: String,
        upstream: Upstream,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            gateway_url,
            app_id: config.app_id.clone(),
            seller_id: config.seller_id.clone(),
            signer: RsaSigner::from_pem(config.app_private_key.expose()).context("billing.alipay.app_private_key")?,
            verifier: RsaVerifier::from_pem(&config.alipay_public_key).context("billing.alipay.alipay_public_key")?,
            notify_url,
            upstream,
            clock,
        })
    }

    /// Checks a notification's RSA2 signature and reads its fields from the same map.
    /// The caller checks app_id, seller_id, out_trade_no and total_amount against its
    /// order, and the status.
    pub fn open_notification(&self, form: &BTreeMap<String, String>) -> Result<Notice, Refusal> {
        let field = |name: &str| form.get(name).map(String::as_str);
        let signature = field("sign").ok_or(Refusal::BadSignature)?;
        let content = signing_content(form.iter().map(|(key, value)| (key.as_str(), value.as_str())), true);
        if !self.verifier.verify_base64(content.as_bytes(), signature) {
            return Err(Refusal::BadSignature);
        }
        let total = field("total_amount").unwrap_or_default();
        Ok(Notice {
            app_id: field("app_id").unwrap_or_default().to_owned(),
            seller_id: field("seller_id").unwrap_or_default().to_owned(),
            out_trade_no: field("out_trade_no").unwrap_or_default().to_owned(),
            trade_no: field("trade_no").map(str::to_owned),
            total_amount: Fen::parse_yuan(total)
                .ok_or_else(|| Refusal::Malformed(format!("unreadable total_amount `{total}`")))?,
            trade_status: field("trade_status").unwrap_or_default().to_owned(),
        })
    }

    /// The signed form parameters of a call.
    pub fn signed_params(
        &self,
        method: &str,
        biz_content: &Value,
        notify: bool,
    ) -> anyhow::Result<Vec<(String, String)>> {
        let timestamp = self.clock.now().with_timezone(&shanghai()).format("%Y-%m-%d %H:%M:%S").to_string();
        let mut params: Vec<(String, String)> = vec![
            ("app_id".into(), self.app_id.clone()),
            ("method".into(), method.into()),
            ("format".into(), "JSON".into()),
            ("charset".into(), "utf-8".into()),
            ("sign_type".into(), "RSA2".into()),
            ("timestamp".into(), timestamp),
            ("version".into(), "1.0".into()),
            ("biz_content".into(), biz_content.to_string()),
        ];
        if notify {
            params.push(("notify_url".into(), self.notify_url.clone()));
        }
        let content = signing_content(params.iter().map(|(key, value)| (key.as_str(), value.as_str())), false);
        params.push(("sign".into(), self.signer.sign_base64(content.as_bytes())?));
        Ok(params)
    }

    /// Calls the gateway and returns the verified `<method>_response` object.
    async fn call(&self, method: &str, biz_content: Value, notify: bool) -> anyhow::Result<Value> {
        let params = self.signed_params(method, &biz_content, notify)?;
        let request = self.upstream.http().post(&self.gateway_url).form(&params);
        let text = self
            .upstream
            .call(async {
                let response = request.send().await.context("Alipay is unreachable")?;
                Ok(response.error_for_status()?.text().await?)
            })
            .await?;
        let envelope: BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(&text).context("malformed Alipay answer")?;
        let key = format!("{}_response", method.replace('.', "_"));
        let raw = envelope.get(&key).ok_or_else(|| anyhow!("Alipay answered without {key}"))?;
        let signature: String = match envelope.get("sign") {
            Some(sign) => serde_json::from_str(sign.get())?,
            None => bail!("Alipay answered without a signature: {}", raw.get()),
        };
        // The signature covers the exact JSON text of the response object.
        if !self.verifier.verify_base64(raw.get().as_bytes(), &signature) {
            bail!("Alipay's answer signature does not verify");
        }
        Ok(serde_json::from_str(raw.get())?)
    }

    /// `alipay.trade.precreate`: the `qr_code` to show.
    pub async fn precreate(
        &self,
        out_trade_no: &str,
        subject: &str,
        amount: Fen,
        timeout_express: &str,
    ) -> anyhow::Result<String> {
        let biz = json!({
            "out_trade_no": out_trade_no,
            "total_amount": amount.to_yuan(),
            "subject": subject,
            "timeout_express": timeout_express,
        });
        let response = self.call("alipay.trade.precreate", biz, true).await?;
        if response["code"] != "10000" {
            bail!("Alipay refused the order: {response}");
        }
        response["qr_code"].as_str().map(str::to_owned).ok_or_else(|| anyhow!("no qr_code in {response}"))
    }

    pub async fn query(&self, out_trade_no: &str) -> anyhow::Result<Option<TradeQuery>> {
        let response = self.call("alipay.trade.query", json!({ "out_trade_no": out_trade_no }), false).await?;
        if response["code"] == "40004" && response["sub_code"] == "ACQ.TRADE_NOT_EXIST" {
            return Ok(None);
        }
        if response["code"] != "10000" {
            bail!("Alipay query failed: {response}");
        }
        Ok(Some(serde_json::from_value(response)?))
    }

    /// `alipay.trade.close`; a trade Alipay never saw counts as closed.
    pub async fn close(&self, out_trade_no: &str) -> anyhow::Result<()> {
        let response = self.call("alipay.trade.close", json!({ "out_trade_no": out_trade_no }), false).await?;
        let closed = response["code"] == "10000" || response["sub_code"] == "ACQ.TRADE_NOT_EXIST";
        if !closed {
            bail!("Alipay close failed: {response}");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn signing_content_sorts_and_skips_empty_and_sign() {
        let params = [("b", "2"), ("a", "1"), ("sign", "x"), ("sign_type", "RSA2"), ("empty", ""), ("c", "a=b&c")];
        assert_eq!(signing_content(params, false), "a=1&b=2&c=a=b&c&sign_type=RSA2");
        assert_eq!(signing_content(params, true), "a=1&b=2&c=a=b&c");
    }

    #[test]
    fn a_repeated_parameter_refuses_the_whole_form() {
        let error = parse_notification_form(b"out_trade_no=VICTIM&total_amount=39.90&out_trade_no=MINE").unwrap_err();
        assert_eq!(error, Refusal::RepeatedParameter("out_trade_no".to_owned()));
        let form = parse_notification_form(b"a=1&b=x%26y").unwrap();
        assert_eq!(form.get("b").map(String::as_str), Some("x&y"));
    }

    /// A reference vector published with Alipay's official Node.js SDK
    /// (alipay/alipay-sdk-nodejs-all, `test/alipay.test.ts`, `checkNotifySign`): a real
    /// `trade_status_sync` notification and the bare Base64 public key that verifies it.
    mod alipay_reference {
        pub const NOTIFY_PUBLIC_KEY: &str = concat!(
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5kn",
            "m2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX2xcO",
            "rxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNCUNrA8C",
            "6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5NCF1+XioL5",
            "JwIDAQAB",
        );
        pub const NOTIFY_SIGNATURE: &str = concat!(
            "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2",
            "S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3",
            "svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEF",
            "ajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==",
        );
        /// The notification's fields as Alipay posts them.
        pub fn notification() -> Vec<(&'static str, &'static str)> {
            vec![
                ("gmt_create", "2019-08-15 15:56:22"),
                ("charset", "utf-8"),
                ("seller_email", "z97-yuquerevenue@service.aliyun.com"),
                ("subject", "语雀空间 500人规模"),
                ("sign", NOTIFY_SIGNATURE),
                ("buyer_id", "2088102534368455"),
                ("invoice_amount", "0.10"),
                ("notify_id", "2019081500222155624068450559358070"),
                ("fund_bill_list", r#"[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]"#),
                ("notify_type", "trade_status_sync"),
                ("trade_status", "TRADE_SUCCESS"),
                ("receipt_amount", "0.10"),
                ("buyer_pay_amount", "0.10"),
                ("sign_type", "RSA2"),
                ("app_id", "2019073166072302"),
                ("seller_id", "2088531891668739"),
                ("gmt_payment", "2019-08-15 15:56:24"),
                ("notify_time", "2019-08-15 15:56:25"),
                ("version", "1.0"),
                ("out_trade_no", "20190815155618536-564-57"),
                ("total_amount", "0.10"),
                ("trade_no", "2019081522001468450512505578"),
                ("auth_app_id", "2019073166072302"),
                ("buyer_logon_id", "xud***@126.com"),
                ("point_amount", "0.00"),
            ]
        }
    }

    #[test]
    fn alipays_reference_notification_verifies_as_posted() {
        use alipay_reference::*;
        let verifier = RsaVerifier::from_pem(NOTIFY_PUBLIC_KEY).unwrap();
        let check = |fields: Vec<(&str, &str)>| {
            let form = parse_notification_form(serde_urlencoded::to_string(&fields).unwrap().as_bytes()).unwrap();
            let signature = form["sign"].clone();
            let content = signing_content(form.iter().map(|(key, value)| (key.as_str(), value.as_str())), true);
            verifier.verify_base64(content.as_bytes(), &signature)
        };
        assert!(check(notification()));
        let tampered =
            notification().into_iter().map(|(k, v)| (k, if k == "total_amount" { "100.10" } else { v })).collect();
        assert!(!check(tampered));
    }
}
