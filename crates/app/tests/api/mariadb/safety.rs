//! A lexicon change made through one instance is enforced by another within 5 s: the
//! version stamp in Redis moves, and each instance rebuilds its automaton.

use std::{sync::Arc, time::Duration};

use reqwest::StatusCode;
use serde_json::json;
use yujie::ServiceSet;
use yujie_kernel::{config::RateRule, Clock};

use super::require_mariadb;
use crate::helpers::{bearer, eventually, spawn_on, TestBackend};

#[tokio::test]
async fn a_word_added_on_one_instance_is_enforced_on_the_other_within_5_s() {
    require_mariadb();
    let backend = Arc::new(TestBackend::new().await);
    let clock = Clock::system();
    // The probe sets a nickname every 25 ms: lift the hourly limit on profile writes.
    let customize = |config: &mut yujie::Config| {
        config.http.rate_limits.insert("profile_write".into(), RateRule::new(100_000, 3600));
    };
    let a = spawn_on(backend.clone(), clock.clone(), ServiceSet::all(), customize).await;
    let b = spawn_on(backend, clock, ServiceSet::all(), customize).await;
    let user = b.sign_in().await;
    let nickname_on_b = |nickname: &'static str| {
        let (b, token) = (&b, user.access_token.clone());
        async move {
            let body = json!({ "nickname": nickname });
            b.http.patch(b.url("/api/v1/me")).header("authorization", bearer(&token)).json(&body).send().await.unwrap()
        }
    };
    assert_eq!(nickname_on_b("六合彩客服").await.status(), StatusCode::OK);

    assert_eq!(a.add_word("六合彩", "gambling", "block").await.status(), StatusCode::CREATED);
    let took = eventually(Duration::from_secs(5), || async {
        nickname_on_b("⑥合彩客服").await.status() == StatusCode::UNPROCESSABLE_ENTITY
    })
    .await
    .expect("B never enforced the word added on A");
    eprintln!("enforced on B after {took:?}");

    let removed = a.internal(reqwest::Method::DELETE, "/safety/words/六合彩", None).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    eventually(Duration::from_secs(5), || async { nickname_on_b("六合彩客服").await.status() == StatusCode::OK })
        .await
        .expect("B never dropped the word removed on A");
}
