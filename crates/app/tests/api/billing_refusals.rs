//! Notifications that must be refused with nothing changed, and the serial modes.

use reqwest::StatusCode;
use serde_json::{json, Value};
use yujie_billing::{crypto::generate_rsa_key_pair, LOCAL_CERT_SERIAL, LOCAL_PUB_KEY_ID};
use yujie_standins::payments::{alipay, crypto::ChannelSigner, wechatpay};

use crate::{billing_helpers::assert_days_from_now, helpers::spawn_app};

fn transaction(app: &crate::helpers::TestApp, out_trade_no: &str) -> Value {
    let config = &app.config.billing.wechatpay;
    json!({ "appid": config.appid, "mchid": config.mchid, "out_trade_no": out_trade_no,
        "transaction_id": "4200000000000002", "trade_state": "SUCCESS", "amount": { "total": 3990 } })
}

#[tokio::test]
async fn forged_tampered_stale_or_foreign_wechatpay_notifications_change_nothing() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let order = app.order(&user, "wechatpay").await;
    let no = order["out_trade_no"].as_str().unwrap();
    let now = app.platform.clock.now_ms() / 1000;
    let peer = || wechatpay::peer(&app.standin_accounts().wechatpay).unwrap();
    let (forger_key, _) = generate_rsa_key_pair().unwrap();
    let mut cases: Vec<(&str, wechatpay::Signed)> = Vec::new();
    cases.push((
        "forged signature",
        wechatpay::WechatPayPeer { signer: ChannelSigner::from_pem(&forger_key).unwrap(), ..peer() }
            .notification(&transaction(&app, no), now),
    ));
    let mut tampered = transaction(&app, no);
    tampered["amount"]["total"] = json!(1);
    cases.push(("tampered amount", peer().notification(&tampered, now)));
    let mut wrong_appid = transaction(&app, no);
    wrong_appid["appid"] = json!("wx0000000000000bad");
    cases.push(("wrong appid", peer().notification(&wrong_appid, now)));
    let mut wrong_mchid = transaction(&app, no);
    wrong_mchid["mchid"] = json!("1999999999");
    cases.push(("wrong mchid", peer().notification(&wrong_mchid, now)));
    cases.push(("stale timestamp", peer().notification(&transaction(&app, no), now - 301)));
    cases.push((
        "wrong APIv3 key",
        wechatpay::WechatPayPeer { api_v3_key: "x".repeat(32), ..peer() }.notification(&transaction(&app, no), now),
    ));
    cases.push(("unknown order", peer().notification(&transaction(&app, "YJ000000000000000000000000000000"), now)));
    cases.push((
        "unknown serial",
        wechatpay::WechatPayPeer { serial: "PUB_KEY_ID_0000".into(), ..peer() }
            .notification(&transaction(&app, no), now),
    ));
    let mut body_swapped = peer().notification(&transaction(&app, no), now);
    body_swapped.body = body_swapped.body.replace("encrypt-resource", "encrypt-resourcf");
    cases.push(("body changed after signing", body_swapped));
    for (case, signed) in cases {
        let response = app.wechatpay_notify(&signed.headers, &signed.body).await;
        assert!(response.status().is_client_error(), "{case}: {}", response.status());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "FAIL", "{case}");
        assert_eq!(app.member_until(&user.user_id).await, None, "{case}");
    }
    assert_eq!(app.order_state(&user, order["id"].as_str().unwrap()).await["state"], "pending");
    let metrics = app.metrics().await;
    for outcome in ["bad_signature", "invalid"] {
        let counted = format!("yujie_billing_notifications_total{{channel=\"wechatpay\",outcome=\"{outcome}\"}}");
        assert!(metrics.contains(&counted), "{metrics}");
    }
    // The same transaction, properly signed, is accepted under either serial mode, and
    // granted once.
    for serial in [LOCAL_CERT_SERIAL, LOCAL_PUB_KEY_ID] {
        let signed =
            wechatpay::WechatPayPeer { serial: serial.into(), ..peer() }.notification(&transaction(&app, no), now);
        assert_eq!(
            app.wechatpay_notify(&signed.headers, &signed.body).await.status(),
            StatusCode::NO_CONTENT,
            "{serial}"
        );
    }
    assert_days_from_now(app.member_until(&user.user_id).await, 30);
}

#[tokio::test]
async fn forged_tampered_or_foreign_alipay_notifications_change_nothing() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let order = app.order(&user, "alipay").await;
    let no = order["out_trade_no"].as_str().unwrap();
    let paid = app.simulate_pay("alipay", no, false).await;
    let peer = alipay::peer(&app.standin_accounts().alipay).unwrap();
    let with = |key: &str, value: &str| -> Vec<(String, String)> {
        let fields =
            paid.fields.iter().map(|(k, v)| (k.clone(), if k == key { value.to_owned() } else { v.clone() })).collect();
        peer.sign_notification(fields)
    };
    let (forger_key, _) = generate_rsa_key_pair().unwrap();
    let forger = alipay::AlipayPeer { signer: ChannelSigner::from_pem(&forger_key).unwrap() };
    let unsigned_tamper: Vec<(String, String)> = paid
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), if k == "total_amount" { "0.01".into() } else { v.clone() }))
        .collect();
    let cases = [
        ("forged signature", forger.sign_notification(paid.fields.clone())),
        ("amount changed after signing", unsigned_tamper),
        ("tampered amount", with("total_amount", "0.01")),
        ("wrong app_id", with("app_id", "2021009999999999")),
        ("unknown order", with("out_trade_no", "YJ000000000000000000000000000000")),
    ];
    for (case, fields) in cases {
        let response = app.alipay_notify(&fields).await;
        assert_eq!(response.text().await.unwrap(), "fail", "{case}");
        assert_eq!(app.member_until(&user.user_id).await, None, "{case}");
    }
    // A genuine notification that is not a payment is acknowledged and grants nothing.
    let waiting = app.alipay_notify(&with("trade_status", "WAIT_BUYER_PAY")).await;
    assert_eq!(waiting.text().await.unwrap(), "success");
    assert_eq!(app.member_until(&user.user_id).await, None);
    assert_eq!(app.alipay_notify(&paid.fields).await.text().await.unwrap(), "success");
    assert_days_from_now(app.member_until(&user.user_id).await, 30);
}

/// A genuine notification for one order, with `out_trade_no` and `total_amount` of
/// another order smuggled in ahead of the signed ones: the signature would verify over
/// the last occurrence while the first one named the victim's order.
#[tokio::test]
async fn a_genuine_alipay_notification_with_a_smuggled_order_pays_nothing() {
    let app = spawn_app().await;
    let (payer, victim) = (app.sign_in().await, app.sign_in().await);
    let own = app.order(&payer, "alipay").await;
    let victims = app.order(&victim, "alipay").await;
    let paid = app.simulate_pay("alipay", own["out_trade_no"].as_str().unwrap(), false).await;
    let smuggled =
        format!("out_trade_no={}&total_amount=39.90&{}", victims["out_trade_no"].as_str().unwrap(), paid.body);
    let response = app
        .http
        .post(app.url("/api/v1/billing/notify/alipay"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(smuggled)
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), "fail");
    assert_eq!(app.order_state(&victim, victims["id"].as_str().unwrap()).await["state"], "pending");
    assert_eq!(app.member_until(&victim.user_id).await, None);
    assert_eq!(app.member_until(&payer.user_id).await, None, "the refused form pays nobody");

    // Properly signed, but for another merchant's seller_id: refused too.
    let peer = alipay::peer(&app.standin_accounts().alipay).unwrap();
    let foreign = peer.sign_notification(
        paid.fields
            .iter()
            .map(|(k, v)| (k.clone(), if k == "seller_id" { "2088999999999999".into() } else { v.clone() }))
            .collect(),
    );
    assert_eq!(app.alipay_notify(&foreign).await.text().await.unwrap(), "fail");
    assert_eq!(app.member_until(&payer.user_id).await, None);
    assert_eq!(app.alipay_notify(&paid.fields).await.text().await.unwrap(), "success");
    assert_days_from_now(app.member_until(&payer.user_id).await, 30);
}
