//! A burst of concurrent writers: on SQLite they queue on the busy timeout instead of
//! failing with `database is locked`, so every write is answered 201 and stored.

use serde_json::json;
use yujie_kernel::config::RateRule;

use crate::helpers::spawn_with;

#[tokio::test]
async fn a_burst_of_concurrent_writes_is_stored_without_a_single_error() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("content_write".into(), RateRule::new(100_000, 60));
    })
    .await;
    let authors = [app.sign_in().await, app.sign_in().await, app.sign_in().await, app.sign_in().await];
    let writes = (0..200).map(|index| {
        let request = app
            .http
            .post(app.url("/api/v1/personas"))
            .bearer_auth(&authors[index % authors.len()].access_token)
            .json(&json!({ "name": format!("并发写入{index}") }));
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    });
    let answers = futures::future::join_all(writes).await;
    let failures: Vec<_> = answers.iter().filter(|(status, _)| status.as_u16() != 201).collect();
    assert!(failures.is_empty(), "{} of 200 failed, e.g. {:?}", failures.len(), failures.first());
    assert_eq!(app.count("personas").await, 200);
}
