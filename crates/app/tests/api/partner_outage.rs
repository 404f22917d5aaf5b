//! Partners that stop answering: WeChat, a payment channel and the AI provider each sit
//! behind a server run by the test that accepts connections and never answers. Calls
//! give up within `upstream.timeout_ms` with a 502; after `breaker_failures` of them the
//! breaker opens, the next request is a 503 with Retry-After at once, and the silent
//! server sees no new connection.

use std::time::{Duration, Instant};

use reqwest::{header::RETRY_AFTER, Response, StatusCode};
use serde_json::{json, Value};
use yujie::Config;

use crate::helpers::{assert_problem, spawn_with, SilentServer};

const TIMEOUT_MS: u64 = 300;

fn impatient(config: &mut Config) {
    config.upstream.timeout_ms = TIMEOUT_MS;
    config.upstream.breaker_failures = 2;
    config.upstream.breaker_open_secs = 60;
}

/// Sends `request` twice, each a prompt 502 naming what did not happen; then once more:
/// a 503 with Retry-After, without a new connection to the partner.
async fn fails_then_breaks<F, Fut>(partner: &SilentServer, mut request: F) -> Value
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    for _ in 0..2 {
        let started = Instant::now();
        let failed = request().await;
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
        assert_problem(failed, StatusCode::BAD_GATEWAY, "upstream_failed").await;
    }
    let called = partner.connections();
    assert!(called > 0, "the partner was called");
    let started = Instant::now();
    let refused = request().await;
    assert!(started.elapsed() < Duration::from_millis(TIMEOUT_MS), "an open breaker answers at once");
    let retry_after: u64 = refused.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let problem = assert_problem(refused, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert_eq!(partner.connections(), called, "an open breaker does not call the partner");
    problem
}

#[tokio::test]
async fn a_silent_wechat_fails_sign_in_promptly_and_then_is_left_alone() {
    let wechat = SilentServer::start().await;
    let api_base = wechat.url.clone();
    let app = spawn_with(|config| {
        impatient(config);
        config.wechat.api_base = api_base;
    })
    .await;
    let empty = json!({});
    let problem = fails_then_breaks(&wechat, || app.post_json("/api/v1/auth/wechat/logins", None, &empty)).await;
    assert_eq!(problem["detail"], "WeChat did not create a QR code; try again");
    assert_eq!(app.count("login_attempts").await, 0, "no attempt is stored without a QR code");
    // Counted per partner and outcome.
    let metrics = app.metrics().await;
    let counted = |upstream: &str, outcome: &str| {
        let series = format!("yujie_upstream_calls_total{{upstream=\"{upstream}\",outcome=\"{outcome}\"}}");
        metrics.lines().any(|line| line.starts_with(&series) && !line.ends_with(" 0"))
    };
    assert!(counted("wechat", "timed_out") && counted("wechat", "refused"), "{metrics}");
    assert!(!counted("wechatpay", "refused"), "{metrics}");
}

#[tokio::test]
async fn a_silent_payment_channel_leaves_no_order_and_the_other_channel_still_works() {
    let wechatpay = SilentServer::start().await;
    let api_base = wechatpay.url.clone();
    let app = spawn_with(|config| {
        impatient(config);
        config.billing.wechatpay.api_base = api_base;
    })
    .await;
    let buyer = app.sign_in().await;
    let body = json!({ "plan_id": "monthly", "channel": "wechatpay" });
    let order = || app.post_json("/api/v1/billing/orders", Some(&buyer.access_token), &body);
    let problem = fails_then_breaks(&wechatpay, order).await;
    assert_eq!(problem["detail"], "the payment channel did not answer; try again");
    assert_eq!(app.count("orders").await, 0, "nothing half-written");
    let alipay = app.order(&buyer, "alipay").await;
    assert_eq!(alipay["state"], "pending", "each channel has its own breaker");
}

#[tokio::test]
async fn a_silent_ai_provider_fails_the_message_promptly_and_gives_it_back() {
    let provider = SilentServer::start().await;
    let base_url = format!("{}/v1", provider.url);
    let app = spawn_with(|config| {
        impatient(config);
        config.companion.provider = yujie_companion::ProviderKind::Openai;
        config.companion.openai.base_url = base_url;
        config.companion.openai.model = "m".into();
    })
    .await;
    let member = app.member().await;
    let persona = app.persona_with_profile(&member, "周迅", &[]).await;
    let conversation = app.new_conversation(&member.access_token, &persona).await;
    let token = member.access_token.clone();
    let send = || app.send_message(&token, &conversation, "你好");
    fails_then_breaks(&provider, send).await;
    assert_eq!(app.quota(&member.access_token).await["messages_left"], 2000, "no message was used");
}
