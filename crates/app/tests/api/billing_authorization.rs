//! Every billing route for each role: visitor, owner, another user, banned owner.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{bearer, spawn_app};

#[tokio::test]
async fn every_billing_route_checks_its_caller() {
    let app = spawn_app().await;
    let owner = app.sign_in().await;
    let other = app.sign_in().await;
    let banned = app.sign_in().await;
    let order = app.order(&owner, "alipay").await;
    let banned_order = app.order(&banned, "wechatpay").await;
    app.ban(&banned.user_id, "spam").await;
    let id = order["id"].as_str().unwrap();
    let banned_id = banned_order["id"].as_str().unwrap();
    let create = json!({ "plan_id": "monthly", "channel": "alipay" });
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/v1/billing/plans".into(), None),
        (Method::POST, "/api/v1/billing/orders".into(), Some(create)),
        (Method::GET, "/api/v1/billing/orders".into(), None),
        (Method::GET, format!("/api/v1/billing/orders/{id}"), None),
        (Method::GET, format!("/api/v1/billing/orders/{id}/events"), None),
    ];
    // (visitor, owner, other, banned) per route; the banned user asks for their own order.
    let mut owner_events = None;
    let expected =
        [[200, 200, 200, 200], [401, 200, 201, 403], [401, 200, 200, 403], [401, 200, 404, 403], [401, 200, 404, 403]];
    for ((method, path, body), expected) in routes.into_iter().zip(expected) {
        for (role, token, want) in [
            ("visitor", None, expected[0]),
            ("owner", Some(&owner.access_token), expected[1]),
            ("other", Some(&other.access_token), expected[2]),
            ("banned", Some(&banned.access_token), expected[3]),
        ] {
            let path = if role == "banned" { path.replace(id, banned_id) } else { path.clone() };
            let mut request = app.http.request(method.clone(), app.url(&path));
            if let Some(token) = token {
                request = request.header("authorization", bearer(token));
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            if path.ends_with("/events") && role == "owner" {
                // The stream stays open while the order is pending; it is read below.
                assert_eq!(response.status().as_u16(), want, "{method} {path} as {role}");
                owner_events = Some(response);
                continue;
            }
            assert_eq!(response.status().as_u16(), want, "{method} {path} as {role}");
        }
    }
    // A user's history holds only their own orders.
    let history: Value = app.get("/api/v1/billing/orders", Some(&other.access_token)).await.json().await.unwrap();
    assert!(history.as_array().unwrap().iter().all(|o| o["id"] != id));
    // Internal routes: staff listener only, behind the internal token.
    let staff = app.http.get(format!("{}/internal/billing/orders", app.staff)).send().await.unwrap();
    assert_eq!(staff.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/internal/billing/orders", None).await.status(), StatusCode::NOT_FOUND);
    let by_user: Value = app
        .internal(Method::GET, &format!("/billing/orders?user_id={}&state=pending", owner.user_id), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_user.as_array().unwrap().len(), 1);
    assert_eq!(by_user[0]["user_id"], owner.user_id.as_str());
    let future: Value =
        app.internal(Method::GET, "/billing/orders?from=2999-01-01T00:00:00Z", None).await.json().await.unwrap();
    assert_eq!(future, json!([]));
    let all: Value = app.internal(Method::GET, "/billing/orders?state=pending", None).await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);

    // The owner's stream, open all along, carries the paid order once it is paid.
    let events = owner_events.expect("the owner's stream");
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    app.simulate_pay("alipay", order["out_trade_no"].as_str().unwrap(), true).await;
    let text = tokio::time::timeout(Duration::from_secs(5), events.text()).await.expect("the stream ended").unwrap();
    let event = text.lines().find_map(|line| line.strip_prefix("event: "));
    assert_eq!(event, Some("order"), "{text}");
    let data = text.lines().find_map(|line| line.strip_prefix("data: ")).unwrap();
    let sent: Value = serde_json::from_str(data).unwrap();
    assert_eq!((sent["id"].as_str(), sent["state"].as_str()), (Some(id), Some("paid")), "{sent}");
}
