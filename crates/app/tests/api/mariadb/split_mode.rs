//! Each service in its own process, reaching the others over their internal APIs, on
//! one database and one Redis: content and billing beside identity, and a reader of
//! content's change log over HTTP (as the companion will be).

use std::sync::Arc;

use reqwest::StatusCode;
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
