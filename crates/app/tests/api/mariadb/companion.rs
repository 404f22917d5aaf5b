//! The companion on two instances sharing MariaDB and Redis: the quota is exact across
//! them, and one knowledge-sync worker runs at a time.

use std::{sync::Arc, time::Duration};

use reqwest::StatusCode;
use yujie::ServiceSet;
use yujie_kernel::{config::RateRule, Clock};

use super::require_mariadb;
use crate::{
    companion_quota::concurrent_sends,
    helpers::{spawn_on, TestApp, TestBackend},
};

async fn two_instances() -> (TestApp, TestApp) {
    let backend = Arc::new(TestBackend::new().await);
    let clock = Clock::system();
    let customize = |config: &mut yujie::Config| {
        config.companion.sync_interval_secs = 1;
        config.http.max_waits_per_client = 1000;
        config.http.rate_limits.insert("companion_message".into(), RateRule::new(1000, 60));
        config.http.rate_limits.insert("post_create".into(), RateRule::new(1000, 3600));
    };
    let a = spawn_on(backend.clone(), clock.clone(), ServiceSet::all(), customize).await;
    let b = spawn_on(backend, clock, ServiceSet::all(), customize).await;
    (a, b)
}

#[tokio::test]
async fn two_hundred_sends_across_two_instances_grant_exactly_twenty() {
    require_mariadb();
    let (a, b) = two_instances().await;
    let creator = a.sign_in().await;
    let persona = a.persona_with_profile(&creator, "刘亦菲", &[]).await;
    let fan = a.sign_in().await;
    let conversation = a.new_conversation(&fan.access_token, &persona).await;
    let statuses = concurrent_sends(&[&a, &b], &fan.access_token, &conversation, 200).await;
    let granted = statuses.iter().filter(|status| **status == StatusCode::OK).count();
    assert_eq!(granted, 20, "{statuses:?}");
    assert_eq!(b.quota(&fan.access_token).await["messages_left"], 0);
}

#[tokio::test]
async fn two_instances_never_sync_the_same_change_twice() {
    require_mariadb();
    let (a, b) = two_instances().await;
    let member = a.member().await;
    let persona = a.persona_with_profile(&member, "王菲", &[]).await;
    for index in 0..12 {
        let (app, title) = if index % 2 == 0 { (&a, "红馆") } else { (&b, "巡演") };
        let text = format!("第{index}站的安可曲。");
        assert_eq!(
            app.create_post(&member.access_token, &persona, title, &text, 0).await.status(),
            StatusCode::CREATED
        );
    }
    a.wait_until_documents_synced(&persona, 13).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (seen_a, seen_b) = (a.ai_standin().await, b.ai_standin().await);
    let mut uploads = std::collections::BTreeMap::new();
    for seen in [&seen_a, &seen_b] {
        for (name, count) in seen["uploads"].as_object().unwrap() {
            *uploads.entry(name.clone()).or_insert(0) += count.as_u64().unwrap();
        }
    }
    let posts: Vec<_> = uploads.iter().filter(|(name, _)| name.contains("/post:")).collect();
    assert_eq!(posts.len(), 12, "{uploads:?}");
    assert!(posts.iter().all(|(_, count)| **count == 1), "a post was uploaded twice: {uploads:?}");
}
