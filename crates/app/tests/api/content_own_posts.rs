//! `GET /api/v1/me/posts`: the caller's own visible posts, newest first, by cursor.

use serde_json::Value;

use crate::helpers::{bearer, spawn_with};

#[tokio::test]
async fn own_posts_are_the_callers_visible_ones_newest_first_by_cursor() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("post_create".into(), yujie_kernel::config::RateRule::new(1000, 3600));
    })
    .await;
    let (author, other) = (app.member().await, app.member().await);
    let persona = app.create_persona(&author.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let mut mine = Vec::new();
    for n in 0..5 {
        mine.push(app.post(&author.access_token, persona_id, &format!("我的帖子 {n}")).await);
        app.post(&other.access_token, persona_id, &format!("别人的帖子 {n}")).await;
    }
    let deleted = mine.remove(2);
    let response = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{deleted}")))
        .header("authorization", bearer(&author.access_token))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/me/posts?limit=2&cursor={cursor}"),
            None => "/api/v1/me/posts?limit=2".to_owned(),
        };
        let page: Value = app.get(&path, Some(&author.access_token)).await.json().await.unwrap();
        for post in page["items"].as_array().unwrap() {
            assert_eq!(post["author"]["id"], author.user_id.as_str());
            seen.push(post["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    mine.reverse();
    assert_eq!(seen, mine, "newest first, without the deleted one or anyone else's");
}
