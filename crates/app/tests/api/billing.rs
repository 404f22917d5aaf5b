//! Membership purchase through the HTTP API with both channels and their stand-ins.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::{
    billing_helpers::{assert_days_from_now, DAY_MS},
    helpers::{eventually, spawn_app, spawn_with},
};

#[tokio::test]
async fn each_channel_pays_once_and_renewals_stack() {
    // One wait per user, so that a refused second one shows the first is open.
    let app = spawn_with(|config| config.http.max_waits_per_client = 1).await;
    let user = app.sign_in().await;
    let plans: Value = app.get("/api/v1/billing/plans", None).await.json().await.unwrap();
    assert_eq!(plans, json!([{ "id": "monthly", "name": "月度会员", "price_fen": 3990, "period_days": 30 }]));

    let order = app.order(&user, "wechatpay").await;
    assert_eq!(order["amount_fen"], 3990);
    assert_eq!(order["state"], "pending");
    assert!(order["qr_payload"].as_str().unwrap().starts_with("weixin://wxpay/bizpayurl?pr="));
    // Asking again returns the open order.
    let again = app
        .post_json(
            "/api/v1/billing/orders",
            Some(&user.access_token),
            &json!({ "plan_id": "monthly", "channel": "wechatpay" }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], order["id"]);

    // The buyer's page waits first; the payment wakes it.
    let waiting = {
        let url = app.url(&format!("/api/v1/billing/orders/{}?wait_secs=10", order["id"].as_str().unwrap()));
        let request = app.http.get(url).bearer_auth(&user.access_token);
        tokio::spawn(async move { request.send().await.unwrap().json::<Value>().await.unwrap() })
    };
    eventually(Duration::from_secs(5), || async { app.holds_a_wait(&format!("u:{}", user.user_id)) })
        .await
        .expect("the long-poll never started");
    let paid = app.simulate_pay("wechatpay", order["out_trade_no"].as_str().unwrap(), true).await;
    assert_eq!(paid.callback_status, Some(204));
    let paid_at = Instant::now();
    let waited = waiting.await.unwrap();
    assert_eq!(waited["state"], "paid");
    let woken_after = paid_at.elapsed();
    assert!(
        woken_after < Duration::from_millis(1000),
        "woken {woken_after:?} after the payment, not by the 2 s re-read"
    );
    let first_end = app.member_until(&user.user_id).await;
    assert_days_from_now(first_end, 30);
    for _ in 0..10 {
        let replay = app.wechatpay_notify(&paid.fields, &paid.body).await;
        assert_eq!(replay.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(app.member_until(&user.user_id).await, first_end, "replays change nothing");

    let order = app.order(&user, "alipay").await;
    assert!(order["qr_payload"].as_str().unwrap().starts_with("https://qr.alipay.com/"));
    let paid = app.simulate_pay("alipay", order["out_trade_no"].as_str().unwrap(), true).await;
    assert_eq!((paid.callback_status, paid.callback_body.as_deref()), (Some(200), Some("success")));
    let second_end = app.member_until(&user.user_id).await;
    assert_eq!(second_end, first_end.map(|end| end + 30 * DAY_MS), "30 + 30 days stack");
    for _ in 0..10 {
        let replay = app.alipay_notify(&paid.fields).await;
        assert_eq!(replay.text().await.unwrap(), "success");
    }
    assert_eq!(app.member_until(&user.user_id).await, second_end);

    let history: Value = app.get("/api/v1/billing/orders", Some(&user.access_token)).await.json().await.unwrap();
    let states: Vec<(&str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["channel"].as_str().unwrap(), o["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [("alipay", "paid"), ("wechatpay", "paid")]);
    // The next token refresh carries the membership.
    let refreshed: Value = app
        .post_json("/api/v1/auth/refresh", None, &json!({ "refresh_token": user.refresh_token }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refreshed["user"]["is_member"], true);
    let metrics = app.metrics().await;
    assert!(metrics.contains("yujie_billing_orders_paid_total{channel=\"alipay\"} 1"), "{metrics}");
    assert!(metrics.contains("yujie_billing_orders_created_total{channel=\"wechatpay\"} 1"));
    for channel in ["alipay", "wechatpay"] {
        assert!(
            metrics.contains(&format!("yujie_billing_revenue_fen_total{{channel=\"{channel}\"}} 3990")),
            "{metrics}"
        );
        let accepted = format!("yujie_billing_notifications_total{{channel=\"{channel}\",outcome=\"accepted\"}}");
        assert!(metrics.contains(&accepted), "{metrics}");
    }
    assert!(!metrics.contains("yujie_billing_reconciled_orders_total{"), "notifications settled every order");
}

#[tokio::test]
async fn fifty_concurrent_deliveries_extend_membership_once() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let order = app.order(&user, "wechatpay").await;
    let paid = app.simulate_pay("wechatpay", order["out_trade_no"].as_str().unwrap(), false).await;
    let deliveries = (0..50).map(|_| app.wechatpay_notify(&paid.fields, &paid.body));
    for response in futures::future::join_all(deliveries).await {
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    assert_days_from_now(app.member_until(&user.user_id).await, 30);
    assert_eq!(app.count("membership_grants").await, 1);
}

#[tokio::test]
async fn reconciliation_fulfils_an_order_whose_notification_was_dropped() {
    let app = spawn_app().await;
    let (wechat_user, alipay_user) = (app.sign_in().await, app.sign_in().await);
    for (user, channel) in [(&wechat_user, "wechatpay"), (&alipay_user, "alipay")] {
        let order = app.order(user, channel).await;
        app.simulate_pay(channel, order["out_trade_no"].as_str().unwrap(), false).await;
    }
    assert_eq!(app.member_until(&wechat_user.user_id).await, None);
    // Within the grace period nothing is queried.
    let report: Value =
        app.internal(reqwest::Method::POST, "/billing/reconciliations", None).await.json().await.unwrap();
    assert_eq!(report["checked"], 0);
    app.platform.clock.advance(std::time::Duration::from_secs(301));
    let report: Value =
        app.internal(reqwest::Method::POST, "/billing/reconciliations", None).await.json().await.unwrap();
    assert_eq!((report["paid"].as_u64(), report["errors"].as_u64()), (Some(2), Some(0)), "{report}");
    for user in [&wechat_user, &alipay_user] {
        let until = app.member_until(&user.user_id).await.unwrap();
        let expected = app.platform.clock.now_ms() + 30 * DAY_MS;
        assert!((until - expected).abs() < 60_000);
    }
    let metrics = app.metrics().await;
    for channel in ["alipay", "wechatpay"] {
        let found = format!("yujie_billing_reconciled_orders_total{{channel=\"{channel}\"}} 1");
        assert!(metrics.contains(&found), "{metrics}");
    }
}

#[tokio::test]
async fn an_expired_and_closed_order_that_the_channel_says_is_paid_is_fulfilled() {
    let app = spawn_with(|config| {
        config.billing.order_expire_secs = 120;
        config.billing.reconcile_grace_secs = 60;
    })
    .await;
    let user = app.sign_in().await;
    let order = app.order(&user, "wechatpay").await;
    let out_trade_no = order["out_trade_no"].as_str().unwrap().to_owned();
    let order_id = order["id"].as_str().unwrap().to_owned();
    app.platform.clock.advance(std::time::Duration::from_secs(121));
    let report: Value =
        app.internal(reqwest::Method::POST, "/billing/reconciliations", None).await.json().await.unwrap();
    assert_eq!(report["expired"], 1, "{report}");
    assert_eq!(app.order_state(&user, &order_id).await["state"], "expired");
    // The buyer's payment raced the close: WeChat Pay notifies a paid transaction.
    let peer = yujie_standins::payments::wechatpay::peer(&app.standin_accounts().wechatpay).unwrap();
    let config = &app.config.billing.wechatpay;
    let transaction = json!({ "appid": config.appid, "mchid": config.mchid, "out_trade_no": out_trade_no,
        "transaction_id": "4200000000000001", "trade_state": "SUCCESS", "amount": { "total": 3990 } });
    let signed = peer.notification(&transaction, app.platform.clock.now_ms() / 1000);
    assert_eq!(app.wechatpay_notify(&signed.headers, &signed.body).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.order_state(&user, &order_id).await["state"], "paid");
    app.assert_member_for_days(&user.user_id, 30).await;
    // WeChat Pay retries its notification: nothing more is granted.
    assert_eq!(app.wechatpay_notify(&signed.headers, &signed.body).await.status(), StatusCode::NO_CONTENT);
    app.assert_member_for_days(&user.user_id, 30).await;
    assert_eq!(app.count("membership_grants").await, 1);
}

#[tokio::test]
async fn another_process_reads_a_users_orders_over_the_internal_api() {
    use yujie_billing::{BillingClient as _, HttpBillingClient};
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let order = app.order(&user, "alipay").await;
    app.simulate_pay("alipay", order["out_trade_no"].as_str().unwrap(), true).await;
    let client =
        HttpBillingClient::new(yujie_kernel::service::InternalClient::new(&app.platform, &app.staff, "billing"));
    let orders = client.orders_of(&user.user_id, 10).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].user_id, user.user_id);
    assert_eq!(orders[0].order.out_trade_no, order["out_trade_no"].as_str().unwrap());
    assert_eq!(serde_json::to_value(orders[0].order.state).unwrap(), "paid");
    assert!(client.orders_of("nobody", 10).await.unwrap().is_empty());
}
