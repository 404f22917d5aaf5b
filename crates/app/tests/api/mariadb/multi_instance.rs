//! Two instances sharing one database and one Redis, as behind a load balancer.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use serde_json::Value;
use yujie::ServiceSet;
use yujie_identity::{HttpIdentityClient, IdentityClient as _};
use yujie_kernel::{auth::AuthStateSource as _, service::InternalClient, Clock};

use super::require_mariadb;
use crate::helpers::{eventually, spawn_on, Session, TestApp, TestBackend};

/// Two instances of every service on one database, one Redis and one clock.
async fn two_instances(customize: impl Fn(&mut yujie::Config) + Copy) -> (TestApp, TestApp) {
    let backend = Arc::new(TestBackend::new().await);
    let clock = Clock::system();
    let a = spawn_on(backend.clone(), clock.clone(), ServiceSet::all(), customize).await;
    let b = spawn_on(backend, clock, ServiceSet::all(), customize).await;
    (a, b)
}

#[tokio::test]
async fn a_scan_on_one_instance_completes_a_wait_on_the_other() {
    require_mariadb();
    // One wait per address, so that B refusing a second one shows it holds the first.
    let (a, b) = two_instances(|config| config.http.max_waits_per_client = 1).await;

    let login = b.create_login().await;
    let login_id = login["login_id"].as_str().unwrap().to_owned();
    let waiting = {
        let url = b.url(&format!("/api/v1/auth/wechat/logins/{login_id}?timeout_secs=10"));
        let http = b.http.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            (http.get(url).send().await.unwrap(), started)
        })
    };
    eventually(Duration::from_secs(5), || async { b.holds_a_wait("ip:127.0.0.1") })
        .await
        .expect("B never held the long-poll open");
    // B's stand-in made the QR code; WeChat delivers the scan to A.
    let callback_on_a = a.url("/api/v1/auth/wechat/callback");
    let scanned_at = std::time::Instant::now();
    let scan = b.simulate_scan(login["ticket"].as_str().unwrap(), None, Some(&callback_on_a)).await;
    assert_eq!(scan.callback_status, Some(200));
    let (response, _) = waiting.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(scanned_at.elapsed() < Duration::from_millis(1500), "woken by the notification, not the 2 s poll");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "completed");
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(a.get("/api/v1/me", Some(access)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_ban_on_one_instance_is_enforced_on_both_within_a_second() {
    require_mariadb();
    let (a, b) = two_instances(|_| {}).await;
    let session = a.sign_in().await;
    // Both instances have the user's state cached as fine.
    assert_eq!(a.get("/api/v1/me", Some(&session.access_token)).await.status(), StatusCode::OK);
    assert_eq!(b.get("/api/v1/me", Some(&session.access_token)).await.status(), StatusCode::OK);

    a.ban(&session.user_id, "刷屏").await;
    // Both clocks start at the ban, and both instances are asked at once.
    let banned_at = Instant::now();
    let (on_a, on_b) = tokio::join!(refused_since(&a, &session, banned_at), refused_since(&b, &session, banned_at));
    assert!(on_a <= Duration::from_millis(1100), "A took {on_a:?}");
    assert!(on_b <= Duration::from_millis(1100), "B took {on_b:?}");
}

/// How long after `since` the instance first refuses the session with 403.
async fn refused_since(instance: &TestApp, session: &Session, since: Instant) -> Duration {
    loop {
        if instance.get("/api/v1/me", Some(&session.access_token)).await.status() == StatusCode::FORBIDDEN {
            return since.elapsed();
        }
        assert!(since.elapsed() < Duration::from_secs(3), "the ban was never enforced");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn a_process_without_identity_reaches_it_over_http() {
    require_mariadb();
    let backend = Arc::new(TestBackend::new().await);
    let clock = Clock::system();
    let identity =
        spawn_on(backend.clone(), clock.clone(), ServiceSet::parse(&["identity".into()]).unwrap(), |_| {}).await;
    let staff_url = identity.staff.clone();
    let content = spawn_on(backend, clock, ServiceSet::parse(&["content".into()]).unwrap(), |config| {
        config.internal.identity_url = staff_url;
    })
    .await;
    // The content process does not serve identity's routes...
    assert_eq!(content.get("/api/v1/me", None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(content.get("/readyz", None).await.status(), StatusCode::OK);

    let client = HttpIdentityClient::new(InternalClient::new(&content.platform, &identity.staff, "identity"));
    // ...but checks the tokens identity issued, and names authors, over identity's
    // internal API.
    let session = identity.sign_in().await;
    let persona = content.create_persona(&session.access_token, "范冰冰", &[]).await;
    assert_eq!(persona["creator"]["id"], session.user_id.as_str());
    assert!(persona["creator"]["nickname"].as_str().unwrap().starts_with("加油站用户"));
    let briefs = client.user_briefs(std::slice::from_ref(&session.user_id)).await.unwrap();
    assert_eq!(briefs[0].id, session.user_id);
    let state = client.user_state(&session.user_id).await.unwrap().unwrap();
    assert_eq!(state.banned_until, None);
    assert!(client.user_state("nobody").await.unwrap().is_none());
    let ban = yujie_identity::BanRequest { until: None, reason: "远程封禁".into() };
    assert!(client.ban(&session.user_id, &ban).await.unwrap());
    let banned_at = Instant::now();
    assert!(client.user_state(&session.user_id).await.unwrap().unwrap().banned_until.is_some());
    assert!(!client.ban("nobody", &ban).await.unwrap());
    assert_eq!(identity.get("/api/v1/me", Some(&session.access_token)).await.status(), StatusCode::FORBIDDEN);
    eventually(Duration::from_secs(3), || async {
        let body = serde_json::json!({ "name": "李冰冰" });
        content.post_json("/api/v1/personas", Some(&session.access_token), &body).await.status()
            == StatusCode::FORBIDDEN
    })
    .await
    .expect("the content process never saw the ban");
    let refused = banned_at.elapsed();
    assert!(refused <= Duration::from_millis(1100), "took {refused:?} from the ban");
}

#[tokio::test]
async fn rate_limits_hold_across_instances() {
    require_mariadb();
    let (a, b) = two_instances(|config| {
        config.http.rate_limits.insert("login_qr".into(), yujie_kernel::config::RateRule::new(2, 60));
    })
    .await;
    a.create_login().await;
    b.create_login().await;
    for instance in [&a, &b] {
        let response = instance.http.post(instance.url("/api/v1/auth/wechat/logins")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
