//! Long-polls and event streams are capped per user and per address, and a stream
//! holds its slot for as long as it is open.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{assert_problem, spawn_with};

#[tokio::test]
async fn one_user_holds_a_bounded_number_of_waits() {
    let app = spawn_with(|config| config.http.max_waits_per_client = 3).await;
    let user = app.sign_in().await;
    let order = app.order(&user, "wechatpay").await;
    let path = format!("/api/v1/billing/orders/{}", order["id"].as_str().unwrap());
    let mut held = Vec::new();
    for _ in 0..2 {
        let request = app.http.get(app.url(&format!("{path}?wait_secs=3"))).bearer_auth(&user.access_token);
        held.push(tokio::spawn(request.send()));
    }
    // An open event stream counts until it is closed.
    let stream = app.http.get(app.url(&format!("{path}/events"))).bearer_auth(&user.access_token).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = app.http.get(app.url(&format!("{path}?wait_secs=3"))).bearer_auth(&user.access_token).send().await;
    let refused = refused.unwrap();
    assert!(refused.headers().contains_key("retry-after"));
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answered = app.http.get(app.url(&path)).bearer_auth(&user.access_token).send().await.unwrap();
    assert_eq!(answered.status(), StatusCode::OK, "closing the stream gave its slot back");
    for wait in held {
        assert_eq!(wait.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn one_address_holds_a_bounded_number_of_sign_in_waits() {
    let app = spawn_with(|config| config.http.max_waits_per_client = 2).await;
    let login = app.create_login().await;
    let path = format!("/api/v1/auth/wechat/logins/{}?timeout_secs=3", login["login_id"].as_str().unwrap());
    let held: Vec<_> = (0..2).map(|_| tokio::spawn(app.http.get(app.url(&path)).send())).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_problem(app.get(&path, None).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Both waiters see the scan through one shared reader.
    app.simulate_scan(login["ticket"].as_str().unwrap(), None, None).await;
    let mut statuses = Vec::new();
    for wait in held {
        statuses.push(wait.await.unwrap().unwrap().status());
    }
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::GONE], "one claims the sign-in, the other is told it is used");
}

/// Stopping the process answers the open waits with the state as it is, so the drain
/// does not wait them out.
#[tokio::test]
async fn a_shutdown_answers_open_waits_at_once() {
    let app = crate::helpers::spawn_app().await;
    let user = app.sign_in().await;
    let order = app.order(&user, "wechatpay").await;
    let path = format!("/api/v1/billing/orders/{}?wait_secs=30", order["id"].as_str().unwrap());
    let wait = tokio::spawn(app.http.get(app.url(&path)).bearer_auth(&user.access_token).send());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    app.platform.shutdown.cancel();
    let answered = wait.await.unwrap().unwrap();
    assert_eq!(answered.status(), StatusCode::OK);
    let body: serde_json::Value = answered.json().await.unwrap();
    assert_eq!(body["state"], "pending");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}
