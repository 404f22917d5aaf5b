//! A WeChat Pay notification. As sent: the first four lines are the `Wechatpay-Serial`,
//! `-Timestamp`, `-Nonce` and `-Signature` headers and the rest is the body; nothing
//! unsigned may pass. Behind the signature: the fuzzed bytes as the transaction,
//! encrypted with our APIv3 key, through the decryption, the JSON parse and the checks.
#![no_main]

use std::sync::OnceLock;

use aes_gcm::{
    aead::{Aead as _, KeyInit as _, Payload},
    Aes256Gcm, Nonce,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderValue};
use yujie_billing::wechatpay::WechatPay;
use yujie_kernel::{upstream::Upstreams, Clock, Config, Metrics};

const NONCE: &str = "0123456789ab";

fn wechatpay() -> &'static (WechatPay, String) {
    static PAY: OnceLock<(WechatPay, String)> = OnceLock::new();
    PAY.get_or_init(|| {
        let mut config = Config::default();
        config.billing.local_keys_file =
            std::env::temp_dir().join("yujie-fuzz-payment-keys.json").display().to_string();
        yujie_billing::fill_local_payment_keys(&mut config).expect("local keys");
        let upstream = Upstreams::new(&config.upstream, &Metrics::default()).partner("wechatpay", reqwest::Client::new());
        let billing = &config.billing.wechatpay;
        let pay = WechatPay::new(billing, "http://127.0.0.1:9".into(), String::new(), upstream, Clock::system())
            .expect("a valid config");
        (pay, billing.api_v3_key.expose().to_owned())
    })
}

/// A notification whose resource is `plain`, encrypted as WeChat Pay does.
fn envelope(key: &str, plain: &[u8]) -> String {
    let cipher = Aes256Gcm::new_from_slice(key.as_bytes()).expect("a 32-byte key");
    let payload = Payload { msg: plain, aad: b"transaction" };
    let sealed = cipher.encrypt(Nonce::from_slice(NONCE.as_bytes()), payload).expect("encrypts");
    serde_json::json!({
        "event_type": "TRANSACTION.SUCCESS",
        "resource_type": "encrypt-resource",
        "resource": {
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": STANDARD.encode(sealed),
            "associated_data": "transaction",
            "nonce": NONCE,
        },
    })
    .to_string()
}

fuzz_target!(|data: &[u8]| {
    let (pay, key) = wechatpay();
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(5, '\n');
    let mut headers = HeaderMap::new();
    for name in ["wechatpay-serial", "wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature"] {
        if let Some(value) = lines.next().and_then(|line| HeaderValue::from_str(line).ok()) {
            headers.insert(name, value);
        }
    }
    let body = lines.next().unwrap_or_default();
    assert!(pay.open_notification(&headers, body).is_err(), "an unsigned notification passed");
    let _ = pay.read_notification(body);
    let _ = pay.read_notification(&envelope(key, data));
});
