//! What reconciliation repairs: a paid order whose membership extension failed, and an
//! unpaid order whose time is up, which is closed at its channel.

use std::{sync::Arc, time::Duration};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use yujie::Config;
use yujie::ServiceSet;
use yujie_billing::{alipay::Alipay, wechatpay::WechatPay};
use yujie_kernel::Clock;

use crate::helpers::{spawn_on, spawn_with, TestApp, TestBackend};

/// No pass but the ones a test asks for (the worker's first pass runs at start).
fn no_background_passes(config: &mut Config) {
    config.billing.reconcile_interval_secs = 3600;
}

async fn reconcile(app: &TestApp) -> Value {
    let response = app.internal(Method::POST, "/billing/reconciliations", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_paid_order_whose_extension_failed_is_granted_once_by_reconciliation() {
    let backend = Arc::new(TestBackend::new().await);
    let clock = Clock::system();
    let app = spawn_on(backend.clone(), clock.clone(), ServiceSet::all(), no_background_passes).await;
    // A billing process that cannot reach identity (nothing listens on port 9).
    let cut_off = spawn_on(backend, clock, ServiceSet::parse(&["billing".into()]).unwrap(), |config| {
        no_background_passes(config);
        config.internal.identity_url = "http://127.0.0.1:9".into();
    })
    .await;
    let user = app.sign_in().await;
    let order = app.order(&user, "wechatpay").await;
    let order_id = order["id"].as_str().unwrap();
    let paid = app.simulate_pay("wechatpay", order["out_trade_no"].as_str().unwrap(), false).await;

    // The notification reaches the cut-off process: the order is paid, the extension
    // fails, and WeChat Pay is asked to try again.
    let response = cut_off.wechatpay_notify(&paid.fields, &paid.body).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.order_state(&user, order_id).await["state"], "paid");
    assert_eq!(app.member_until(&user.user_id).await, None);
    assert_eq!(app.count("membership_grants").await, 0);
    let metrics = cut_off.metrics().await;
    assert!(
        metrics.contains("yujie_billing_notifications_total{channel=\"wechatpay\",outcome=\"failed\"} 1"),
        "{metrics}"
    );
    let report = reconcile(&cut_off).await;
    assert_eq!((report["retried_fulfilments"].as_u64(), report["errors"].as_u64()), (Some(0), Some(1)), "{report}");

    // A pass where identity answers completes it.
    let report = reconcile(&app).await;
    assert_eq!((report["retried_fulfilments"].as_u64(), report["errors"].as_u64()), (Some(1), Some(0)), "{report}");
    app.assert_member_for_days(&user.user_id, 30).await;
    assert_eq!(app.count("membership_grants").await, 1);

    // Then neither WeChat Pay's retry nor another pass grants anything more.
    assert_eq!(app.wechatpay_notify(&paid.fields, &paid.body).await.status(), StatusCode::NO_CONTENT);
    let report = reconcile(&app).await;
    assert_eq!((report["retried_fulfilments"].as_u64(), report["errors"].as_u64()), (Some(0), Some(0)), "{report}");
    app.assert_member_for_days(&user.user_id, 30).await;
    assert_eq!(app.count("membership_grants").await, 1);
}

#[tokio::test]
async fn an_expired_order_is_closed_at_its_channel_for_both_channels() {
    let app = spawn_with(|config| {
        no_background_passes(config);
        config.billing.order_expire_secs = 120;
        config.billing.reconcile_grace_secs = 60;
    })
    .await;
    let (wechat_user, alipay_user) = (app.sign_in().await, app.sign_in().await);
    let wechat_order = app.order(&wechat_user, "wechatpay").await;
    let alipay_order = app.order(&alipay_user, "alipay").await;
    app.platform.clock.advance(Duration::from_secs(121));
    let report = reconcile(&app).await;
    assert_eq!((report["expired"].as_u64(), report["errors"].as_u64()), (Some(2), Some(0)), "{report}");
    for (user, order) in [(&wechat_user, &wechat_order), (&alipay_user, &alipay_order)] {
        assert_eq!(app.order_state(user, order["id"].as_str().unwrap()).await["state"], "expired");
    }

    // Asked with the merchant's own signed queries, each channel reports the order closed.
    let (config, base) = (&app.config.billing, &app.platform.public_base_url);
    let upstreams = &app.platform.upstreams;
    let (http, clock) = (reqwest::Client::new(), app.platform.clock.clone());
    let wechatpay = WechatPay::new(
        &config.wechatpay,
        format!("{base}/_standin/wechatpay"),
        String::new(),
        upstreams.partner("wechatpay", http.clone()),
        clock.clone(),
    )
    .unwrap();
    let wechat_no = wechat_order["out_trade_no"].as_str().unwrap();
    assert_eq!(wechatpay.query(wechat_no).await.unwrap().unwrap().trade_state, "CLOSED");
    let alipay_gateway = format!("{base}/_standin/alipay/gateway.do");
    let alipay =
        Alipay::new(&config.alipay, alipay_gateway, String::new(), upstreams.partner("alipay", http), clock).unwrap();
    let alipay_no = alipay_order["out_trade_no"].as_str().unwrap();
    assert_eq!(alipay.query(alipay_no).await.unwrap().unwrap().trade_status, "TRADE_CLOSED");
    // And a buyer who scans now cannot pay.
    for (channel, no) in [("wechatpay", wechat_no), ("alipay", alipay_no)] {
        let body = serde_json::json!({ "out_trade_no": no });
        let response = app.post_json(&format!("/_standin/{channel}/simulate-pay"), None, &body).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{channel}");
    }
}
