//! `yujie backup`: an online copy of an SQLite database taken while writes go on, from
//! which an instance restores every account, session and item. The instance runs on its
//! own SQLite file in both passes (the MySQL refusal is `mariadb::backup_refusal`).

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use yujie::ServiceSet;
use yujie_kernel::{config::RateRule, Clock};

use crate::helpers::{spawn_on, TestBackend};

#[tokio::test]
async fn a_backup_taken_while_serving_restores_accounts_sessions_and_content() {
    let backend = Arc::new(TestBackend::new().await);
    let original_url = format!("sqlite://{}?mode=rwc", backend.dir.path().join("original.db").display());
    let app = spawn_on(backend.clone(), Clock::system(), ServiceSet::all(), move |config| {
        config.database.url = yujie_kernel::Secret::new(original_url);
        config.http.rate_limits.insert("content_write".into(), RateRule::new(100_000, 60));
    })
    .await;
    let copy = backend.dir.path().join("backup.db");
    let session = app.sign_in().await;
    let persona = app.create_persona(&session.access_token, "范冰冰", &[]).await;
    // Writes keep coming while the copy is taken.
    let writer = {
        let (http, url, token) = (app.http.clone(), app.url("/api/v1/personas"), session.access_token.clone());
        tokio::spawn(async move {
            for index in 0..30 {
                let body = json!({ "name": format!("备份期间{index}") });
                let response = http.post(&url).bearer_auth(&token).json(&body).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::CREATED);
            }
        })
    };
    yujie::backup(&app.platform.config, &copy).await.unwrap();
    writer.await.unwrap();
    let again = yujie::backup(&app.platform.config, &copy).await.unwrap_err();
    assert!(again.to_string().contains("exists already"), "{again}");

    let restored_url = format!("sqlite://{}?mode=rw", copy.display());
    let restored = spawn_on(backend, Clock::system(), ServiceSet::all(), move |config| {
        config.database.url = yujie_kernel::Secret::new(restored_url);
    })
    .await;
    let me = restored.get("/api/v1/me", Some(&session.access_token)).await;
    assert_eq!(me.status(), StatusCode::OK, "the session survives the restore");
    assert_eq!(restored.persona(persona["id"].as_str().unwrap()).await.status(), StatusCode::OK);
    // One consistent snapshot: the persona made before, and whatever of the stream had
    // committed when the copy began (how much depends on timing).
    let copied = restored.count("personas").await;
    assert!((1..=31).contains(&copied), "a consistent snapshot: {copied} personas");
}
