//! Each service in its own process, reaching the others over their internal APIs, on
//! one database and one Redis: content and billing beside identity, and a reader of
//! content's change log over HTTP (as the companion is), and the staff console alone.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use yujie::ServiceSet;
use yujie_content::{ContentClient as _, HttpContentClient};
use yujie_kernel::{service::InternalClient, Clock};

use crate::{
    billing_helpers::assert_days_from_now,
    helpers::{spawn_on, TestApp, TestBackend},
};

/// A process running `services`, with identity (when not among them) at `identity_url`.
async fn process(backend: &Arc<TestBackend>, services: &[&str], identity_url: Option<&str>) -> TestApp {
    let names: Vec<String> = services.iter().map(|name| (*name).to_owned()).collect();
    let identity_url = identity_url.map(str::to_owned);
    spawn_on(backend.clone(), Clock::system(), ServiceSet::parse(&names).unwrap(), move |config| {
        if let Some(url) = identity_url {
            config.internal.identity_url = url;
        }
    })
    .await
}

#[tokio::test]
async fn content_changes_are_read_over_http() {
    super::require_mariadb();
    let backend = Arc::new(TestBackend::new().await);
    let identity = process(&backend, &["identity"], None).await;
    let content = process(&backend, &["content"], Some(&identity.staff)).await;
    let session = identity.sign_in().await;
    let persona = content.create_persona(&session.access_token, "范冰冰", &[]).await;

    let reader = HttpContentClient::new(InternalClient::new(&identity.platform, &content.staff, "content"));
    let page = reader.changes_after(0, 10).await.unwrap();
    let created = page.changes.iter().find(|change| change.item_id == persona["id"].as_str().unwrap());
    assert!(created.is_some_and(|change| change.action == "created"), "{:?}", page.changes);
    let rest = reader.changes_after(page.next_after, 10).await.unwrap();
    assert!(rest.changes.is_empty() && rest.next_after == page.next_after);
    let wrong_place = HttpContentClient::new(InternalClient::new(&identity.platform, &identity.staff, "content"));
    assert!(wrong_place.changes_after(0, 10).await.is_err(), "identity does not serve the change log");
}

#[tokio::test]
async fn billing_alone_extends_membership_through_identity() {
    super::require_mariadb();
    let backend = Arc::new(TestBackend::new().await);
    let identity = process(&backend, &["identity"], None).await;
    let billing = process(&backend, &["billing"], Some(&identity.staff)).await;
    assert_eq!(billing.get("/api/v1/me", None).await.status(), StatusCode::NOT_FOUND);
    let session = identity.sign_in().await;
    let order = billing.order(&session, "alipay").await;
    let paid = billing.simulate_pay("alipay", order["out_trade_no"].as_str().unwrap(), true).await;
    assert_eq!(paid.callback_body.as_deref(), Some("success"));
    assert_days_from_now(identity.member_until(&session.user_id).await, 30);
    let me: serde_json::Value = identity.get("/api/v1/me", Some(&session.access_token)).await.json().await.unwrap();
    assert_eq!(me["is_member"], true);
}

/// The staff console in its own process, acting through the internal APIs of the
/// process that runs everything else: the queue, a removal and a ban cross the network.
#[tokio::test]
async fn the_console_alone_moderates_through_the_other_services() {
    super::require_mariadb();
    let backend = Arc::new(TestBackend::new().await);
    let rest = process(&backend, &["identity", "content", "billing", "companion"], None).await;
    let staff_url = rest.staff.clone();
    let names = vec!["admin".to_owned()];
    let console = spawn_on(backend.clone(), Clock::system(), ServiceSet::parse(&names).unwrap(), move |config| {
        let internal = &mut config.internal;
        for url in [
            &mut internal.identity_url,
            &mut internal.content_url,
            &mut internal.billing_url,
            &mut internal.companion_url,
        ] {
            *url = staff_url.clone();
        }
    })
    .await;
    let author = rest.member().await;
    let persona = rest.create_persona(&author.access_token, "范冰冰", &[]).await;
    let post = rest.post(&author.access_token, persona["id"].as_str().unwrap(), "广告帖").await;
    let reporter = rest.sign_in().await;
    let report = serde_json::json!({ "target_kind": "post", "target_id": post, "reason": "spam" });
    assert_eq!(
        rest.post_json("/api/v1/reports", Some(&reporter.access_token), &report).await.status(),
        StatusCode::CREATED
    );

    let admin = console.staff_sign_in("staff-admin").await;
    let queue: serde_json::Value =
        admin.send(&console, Method::GET, "/reports", None, true).await.json().await.unwrap();
    assert_eq!(queue[0]["target_id"], post.as_str());
    assert_eq!(queue[0]["author"]["id"], author.user_id.as_str());
    let removal = serde_json::json!({ "resolution": "remove", "reason": "广告" });
    let path = format!("/reports/post/{post}/resolution");
    assert_eq!(admin.send(&console, Method::POST, &path, Some(removal), true).await.status(), StatusCode::OK);
    assert_eq!(rest.get(&format!("/api/v1/posts/{post}"), None).await.status(), StatusCode::NOT_FOUND);
    let ban = serde_json::json!({ "days": 7, "reason": "广告" });
    let banned = admin.send(&console, Method::PUT, &format!("/users/{}/ban", author.user_id), Some(ban), true).await;
    assert_eq!(banned.status(), StatusCode::OK);
    let refused = rest.get("/api/v1/me/posts", Some(&author.access_token)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
