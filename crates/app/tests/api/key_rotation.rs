//! Rotating the JWT secret and the internal token without a gap (deploy/README.md,
//! "Secrets and key rotation"): while a rollout runs, instances of the step before (old
//! key signs, new key accepted) and of the step after (new key signs, old key accepted)
//! each accept what the other issues.

use std::sync::Arc;

use reqwest::StatusCode;
use yujie::{Config, ServiceSet};
use yujie_kernel::{Clock, Secret};

use crate::helpers::{bearer, spawn_on, TestApp, TestBackend};

fn keys(config: &mut Config, signing: &str, accepted: &str, token: &str, accepted_token: &str) {
    config.auth.jwt_secret = Secret::new(signing);
    config.auth.accepted_jwt_secret = Secret::new(accepted);
    config.internal.token = Secret::new(token);
    config.internal.accepted_token = Secret::new(accepted_token);
}

async fn internal_status(app: &TestApp, token: &str) -> StatusCode {
    let url = format!("{}/internal/content/changes", app.staff);
    app.http.get(url).header("authorization", bearer(token)).send().await.unwrap().status()
}

#[tokio::test]
async fn during_a_key_rotation_old_and_new_instances_accept_each_others_tokens() {
    let backend = Arc::new(TestBackend::new().await);
    let (old_key, new_key) = ("o".repeat(40), "n".repeat(40));
    let (old_token, new_token) = ("p".repeat(32), "q".repeat(32));
    let spawn = |signing: &str, accepted: &str, token: &str, accepted_token: &str| {
        let (signing, accepted, token, accepted_token) =
            (signing.to_owned(), accepted.to_owned(), token.to_owned(), accepted_token.to_owned());
        spawn_on(backend.clone(), Clock::system(), ServiceSet::all(), move |config| {
            keys(config, &signing, &accepted, &token, &accepted_token)
        })
    };
    let before = spawn(&old_key, &new_key, &old_token, &new_token).await;
    let after = spawn(&new_key, &old_key, &new_token, &old_token).await;
    let new_only = spawn(&new_key, "", &new_token, "").await;

    let (signed_before, signed_after) = (before.sign_in().await, after.sign_in().await);
    for (app, session) in [(&after, &signed_before), (&before, &signed_after), (&new_only, &signed_after)] {
        let me = app.get("/api/v1/me", Some(&session.access_token)).await;
        assert_eq!(me.status(), StatusCode::OK, "{}", me.text().await.unwrap());
    }
    let refused = new_only.get("/api/v1/me", Some(&signed_before.access_token)).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "without the old key accepted, its tokens are refused");

    for app in [&before, &after] {
        for token in [&old_token, &new_token] {
            assert_eq!(internal_status(app, token).await, StatusCode::OK);
        }
        assert_eq!(internal_status(app, &"r".repeat(32)).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(internal_status(&new_only, &old_token).await, StatusCode::UNAUTHORIZED);
}
