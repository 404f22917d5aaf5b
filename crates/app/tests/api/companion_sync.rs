//! Knowledge sync (持续学习) against the local AI stand-in over HTTP: content changes reach
//! the provider's knowledge base within the lag bound, removals leave it, and a restart
//! mid-batch loses and duplicates nothing.

use std::{sync::Arc, time::Duration};

use reqwest::StatusCode;
use serde_json::{json, Value};
use yujie::ServiceSet;
use yujie_kernel::Clock;

use crate::{
    companion_helpers::spawn_companion,
    helpers::{bearer, eventually, spawn_on, TestApp, TestBackend},
};

/// The lag bound of the product (PRODUCT.md F3).
const LAG_BOUND: Duration = Duration::from_secs(60);

async fn known_within(app: &TestApp, query: &str, expected: &str, bound: Duration) -> Option<Duration> {
    eventually(bound, || app.provider_knows(query, expected)).await
}

#[tokio::test]
async fn a_new_post_becomes_citable_and_a_removed_one_leaves_the_knowledge_base() {
    let app = spawn_companion().await;
    let member = app.member().await;
    let persona = app.persona_with_profile(&member, "范冰冰", &[]).await;

    let response =
        app.create_post(&member.access_token, &persona, "金鸡奖红毯", "她穿着一袭青花瓷礼服亮相金鸡奖红毯。", 0).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let post: Value = response.json().await.unwrap();
    let post_id = post["id"].as_str().unwrap();
    let lag = known_within(&app, "青花瓷礼服", "青花瓷礼服", LAG_BOUND).await;
    assert!(lag.is_some(), "the post did not reach the provider within {LAG_BOUND:?}");

    // The chat can cite it.
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    let reply = app.chat(&fan.access_token, &conversation, "你在金鸡奖红毯穿的什么礼服？").await;
    assert!(reply.text().contains("青花瓷礼服"), "{}", reply.text());

    // Staff removal makes it uncitable.
    app.moderate("post", post_id, Some("违规")).await;
    let gone = eventually(LAG_BOUND, || async { !app.provider_knows("青花瓷礼服", "青花瓷礼服").await }).await;
    assert!(gone.is_some(), "the removed post is still at the provider");
    let reply = app.chat(&fan.access_token, &conversation, "你在金鸡奖红毯穿的什么礼服？").await;
    assert!(!reply.text().contains("青花瓷礼服"), "{}", reply.text());

    // Restored, it comes back; deleted by its author, it leaves again.
    app.moderate("post", post_id, None).await;
    assert!(known_within(&app, "青花瓷礼服", "青花瓷礼服", LAG_BOUND).await.is_some());
    let deleted = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{post_id}")))
        .header("authorization", bearer(&member.access_token));
    assert_eq!(deleted.send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let gone = eventually(LAG_BOUND, || async { !app.provider_knows("青花瓷礼服", "青花瓷礼服").await }).await;
    assert!(gone.is_some(), "the deleted post is still at the provider");

    // The lag is measured and exported.
    let metrics = app.metrics().await;
    let count_line =
        metrics.lines().find(|line| line.starts_with("yujie_companion_knowledge_sync_lag_seconds_count")).unwrap();
    let count: f64 = count_line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 4.0, "{count_line}");
}

#[tokio::test]
async fn a_profile_change_updates_the_one_profile_document() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "周迅", &[]).await;
    let entry = json!({ "section": "achievement", "title": "金马奖最佳女主角", "year": 2005 });
    assert_eq!(app.add_entry(&creator.access_token, &persona, entry).await.status(), StatusCode::CREATED);
    assert!(known_within(&app, "金马奖", "金马奖最佳女主角", LAG_BOUND).await.is_some());
    app.wait_until_synced(&persona).await;
    let seen = app.ai_standin().await;
    let name = format!("{persona}/profile:{persona}");
    assert_eq!(seen["uploads"][&name], 2, "created once, then updated: {seen}");
    let sync: Value = app.internal(reqwest::Method::GET, "/companion/sync", None).await.json().await.unwrap();
    let state = sync.as_array().unwrap().iter().find(|state| state["persona_id"] == persona.as_str()).unwrap();
    assert_eq!((state["documents"].clone(), state["failed"].clone()), (json!(1), json!(0)));
}

/// Stops an instance as a deploy does (graceful), as soon as its worker has pushed
/// some but not all documents; another instance then resumes from the stored state.
#[tokio::test]
async fn a_restart_mid_batch_loses_and_duplicates_nothing() {
    const POSTS: usize = 40;
    let backend = Arc::new(TestBackend::new().await);
    let clock = Clock::system();
    let quiet = |config: &mut yujie::Config| {
        config.companion.sync_interval_secs = 3600;
        config.http.rate_limits.insert("post_create".into(), yujie_kernel::config::RateRule::new(1000, 3600));
    };
    let writer = spawn_on(backend.clone(), clock.clone(), ServiceSet::all(), quiet).await;
    let member = writer.member().await;
    let persona = writer.create_persona(&member.access_token, "王菲", &[]).await;
    let persona = persona["id"].as_str().unwrap().to_owned();
    for index in 0..POSTS {
        let text = format!("第{index}场演唱会的返场曲目编号{index}。");
        assert_eq!(
            writer.create_post(&member.access_token, &persona, "演唱会", &text, 0).await.status(),
            StatusCode::CREATED
        );
    }
    writer.platform.shutdown.cancel();

    let first = spawn_on(backend.clone(), clock.clone(), ServiceSet::all(), |config| {
        config.companion.sync_interval_secs = 1;
    })
    .await;
    let started = std::time::Instant::now();
    let pushed_before_stop = loop {
        let seen = first.ai_standin().await;
        let pushed = seen["uploads"].as_object().unwrap().len();
        if pushed > 0 || started.elapsed() > Duration::from_secs(20) {
            break pushed;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    first.platform.shutdown.cancel();
    assert!(pushed_before_stop > 0, "the first instance never started pushing");
    assert!(pushed_before_stop <= POSTS, "stopped after {pushed_before_stop} documents");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let second = spawn_on(backend, clock, ServiceSet::all(), |config| config.companion.sync_interval_secs = 1).await;
    second.wait_until_synced(&persona).await;
    // Every post is at the provider exactly once.
    let dify = &second.config.companion.dify;
    let listed: Value = second
        .http
        .get(second.url(&format!("/_standin/ai/v1/datasets/{}/documents?keyword={persona}&limit=100", dify.dataset_id)))
        .header("authorization", bearer(dify.dataset_key.expose()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut names: Vec<&str> =
        listed["data"].as_array().unwrap().iter().map(|doc| doc["name"].as_str().unwrap()).collect();
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total, "a document is at the provider twice");
    assert_eq!(total, POSTS + 1, "the profile and every post");
    // The second instance uploaded only what the first had not.
    let seen = second.ai_standin().await;
    let uploaded_again = seen["uploads"].as_object().unwrap().len();
    assert!(
        uploaded_again <= POSTS + 1 - pushed_before_stop + 1,
        "{uploaded_again} re-uploads after {pushed_before_stop}"
    );
}

#[tokio::test]
async fn uploads_that_keep_failing_back_off_and_are_marked_failed_without_blocking_the_feed() {
    let app = crate::helpers::spawn_with(|config| {
        config.companion.sync_interval_secs = 1;
        config.companion.sync_max_attempts = 2;
        config.companion.provider = yujie_companion::ProviderKind::Dify;
        config.companion.dify.api_base = "http://127.0.0.1:9/v1".into();
    })
    .await;
    let creator = app.sign_in().await;
    let first = app.create_persona(&creator.access_token, "张曼玉", &[]).await;
    let first = first["id"].as_str().unwrap().to_owned();
    let failed = eventually(Duration::from_secs(20), || async {
        let states: Value = app.internal(reqwest::Method::GET, "/companion/sync", None).await.json().await.unwrap();
        states.as_array().unwrap().iter().any(|state| state["persona_id"] == first.as_str() && state["failed"] == 1)
    })
    .await;
    assert!(failed.is_some(), "the document was not marked failed after its tries");
    // A later change is still applied: the feed is not held up by the failing upload.
    let second = app.create_persona(&creator.access_token, "林青霞", &[]).await;
    let second = second["id"].as_str().unwrap().to_owned();
    let applied = eventually(Duration::from_secs(10), || async {
        let response = app
            .post_json("/api/v1/companion/conversations", Some(&creator.access_token), &json!({ "persona_id": second }))
            .await;
        response.status() == StatusCode::CREATED
    })
    .await;
    assert!(applied.is_some(), "the feed stopped behind a failing upload");
    let metrics = app.metrics().await;
    let failures =
        metrics.lines().find(|line| line.starts_with("yujie_companion_knowledge_sync_failures_total")).unwrap();
    let failures: f64 = failures.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(failures >= 2.0, "each failed try is counted: {failures}");
}
