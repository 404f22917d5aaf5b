//! Daily message quotas: exact under concurrency, reset at 00:00 Asia/Shanghai, given
//! back when the provider fails. On SQLite the counter is a conditional UPDATE; in the
//! MariaDB + Redis pass it is a Redis script.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use yujie::ServiceSet;
use yujie_kernel::Clock;

use crate::{
    companion_helpers::spawn_companion,
    helpers::{assert_problem, spawn_on, spawn_with, TestApp, TestBackend},
};

/// Sends `count` messages at once into one conversation; returns the statuses.
pub async fn concurrent_sends(apps: &[&TestApp], token: &str, conversation: &str, count: usize) -> Vec<StatusCode> {
    let sends = (0..count).map(|index| {
        let app = apps[index % apps.len()];
        let url = app.url(&format!("/api/v1/companion/conversations/{conversation}/messages"));
        let request =
            app.http.post(url).bearer_auth(token).json(&serde_json::json!({ "text": format!("第{index}条") }));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert!(body.contains("quota_exceeded"), "refused for another reason: {body}");
            }
            status
        }
    });
    futures::future::join_all(sends).await
}

#[tokio::test]
async fn two_hundred_concurrent_sends_grant_exactly_the_daily_twenty() {
    let app = spawn_with(|config| {
        config.companion.sync_interval_secs = 1;
        config.http.max_waits_per_client = 1000;
        config.http.rate_limits.insert("companion_message".into(), yujie_kernel::config::RateRule::new(1000, 60));
    })
    .await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "刘亦菲", &[]).await;
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;

    let statuses = concurrent_sends(&[&app], &fan.access_token, &conversation, 200).await;
    let granted = statuses.iter().filter(|status| **status == StatusCode::OK).count();
    let refused = statuses.iter().filter(|status| **status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((granted, refused), (20, 180), "{statuses:?}");
    assert_eq!(app.quota(&fan.access_token).await["messages_left"], 0);
    let metrics = app.metrics().await;
    assert!(metrics.contains("yujie_companion_messages_total 20\n"), "{metrics}");
}

#[tokio::test]
async fn the_twenty_first_message_is_refused_with_the_reset_time_and_a_way_to_membership() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "杨幂", &[]).await;
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    for _ in 0..20 {
        assert_eq!(app.chat(&fan.access_token, &conversation, "在吗").await.status, StatusCode::OK);
    }
    let refused = app.send_message(&fan.access_token, &conversation, "第21条").await;
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let problem = assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "quota_exceeded").await;
    let quota = app.quota(&fan.access_token).await;
    assert_eq!(problem["context"]["resets_at"], quota["resets_at"]);
    assert_eq!(problem["context"]["membership"], "/api/v1/billing/plans");
    assert!(problem["detail"].as_str().unwrap().contains("会员"), "{problem}");
    assert!(retry_after > 0 && retry_after <= 24 * 3600);
    assert_eq!(quota["messages_left"], 0);
    assert_eq!(quota["messages_limit"], 20);
    assert_eq!(quota["voice_secs_left"], 600);
}

#[tokio::test]
async fn a_member_has_the_anti_abuse_ceiling_instead() {
    let app = spawn_with(|config| {
        config.companion.sync_interval_secs = 1;
        config.companion.daily_messages = 1;
        config.companion.member_daily_messages = 3;
    })
    .await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "赵丽颖", &[]).await;
    let member = app.member().await;
    let conversation = app.new_conversation(&member.access_token, &persona).await;
    for _ in 0..3 {
        assert_eq!(app.chat(&member.access_token, &conversation, "嗨").await.status, StatusCode::OK);
    }
    let refused = app.send_message(&member.access_token, &conversation, "再来").await;
    let problem = assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "quota_exceeded").await;
    assert_eq!(problem["context"]["limit"], 3);
    let quota = app.quota(&member.access_token).await;
    assert_eq!((quota["member"].clone(), quota["voice_secs_limit"].clone()), (Value::Bool(true), 10_800.into()));
}

#[tokio::test]
async fn the_day_turns_over_at_midnight_in_shanghai() {
    let clock = Clock::system();
    let backend = Arc::new(TestBackend::new().await);
    let app = spawn_on(backend, clock.clone(), ServiceSet::all(), |config| {
        config.companion.sync_interval_secs = 1;
        config.companion.daily_messages = 2;
    })
    .await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "倪妮", &[]).await;
    let fan = app.sign_in().await;
    let conversation = app.new_conversation(&fan.access_token, &persona).await;
    for _ in 0..2 {
        assert_eq!(app.chat(&fan.access_token, &conversation, "早").await.status, StatusCode::OK);
    }
    let quota = app.quota(&fan.access_token).await;
    let resets_at: chrono::DateTime<chrono::Utc> = serde_json::from_value(quota["resets_at"].clone()).unwrap();
    let local = resets_at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    assert_eq!(local.format("%H:%M:%S").to_string(), "00:00:00", "the reset is at midnight in Shanghai");

    // One second before midnight: still refused. Just after: a fresh day.
    let until_reset = (resets_at - clock.now()).to_std().unwrap();
    clock.advance(until_reset - std::time::Duration::from_secs(1));
    let fan = app.refresh(&fan).await;
    let refused = app.send_message(&fan.access_token, &conversation, "还在吗").await;
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "quota_exceeded").await;
    clock.advance(std::time::Duration::from_secs(2));
    assert_eq!(app.quota(&fan.access_token).await["messages_left"], 2);
    assert_eq!(app.chat(&fan.access_token, &conversation, "新的一天").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_provider_that_fails_gives_the_message_back() {
    let app = spawn_with(|config| {
        config.companion.sync_interval_secs = 1;
        // A provider that answers nothing: the chat fails before its first token.
        config.companion.provider = yujie_companion::ProviderKind::Dify;
        config.companion.dify.api_base = "http://127.0.0.1:9/v1".into();
    })
    .await;
    let creator = app.sign_in().await;
    let persona = app.create_persona(&creator.access_token, "唐嫣", &[]).await;
    let persona = persona["id"].as_str().unwrap().to_owned();
    // The projection does not need the provider; wait for it, not for the upload.
    let conversation = loop {
        let response = app
            .post_json(
                "/api/v1/companion/conversations",
                Some(&creator.access_token),
                &serde_json::json!({ "persona_id": persona }),
            )
            .await;
        if response.status() == StatusCode::CREATED {
            break response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let failed = app.send_message(&creator.access_token, &conversation, "你好").await;
    let problem = assert_problem(failed, StatusCode::BAD_GATEWAY, "upstream_failed").await;
    // It says what did not happen, never why (the cause stays in the log).
    assert_eq!(problem["detail"], "AI 服务暂时不可用，请稍后再试");
    assert_eq!(app.quota(&creator.access_token).await["messages_left"], 20);
}
