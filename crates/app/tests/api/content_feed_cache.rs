//! The shared feed-page cache: every write that changes what a page shows is visible at
//! once; like and comment counts are at most the cache's lifetime (1 s) old.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{bearer, eventually, spawn_app, TestApp};

/// The bound the API documents for counts.
const COUNT_LAG: Duration = Duration::from_millis(1500);

async fn anonymous_feed(app: &TestApp) -> Vec<Value> {
    let page: Value = app.get("/api/v1/posts?sort=new&limit=20", None).await.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

/// The texts of a post's comments page, as an anonymous reader sees it.
async fn comments(app: &TestApp, post: &str) -> Vec<String> {
    let page: Value = app.get(&format!("/api/v1/posts/{post}/comments"), None).await.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|comment| comment["text"].as_str().unwrap().to_owned()).collect()
}

async fn titles(app: &TestApp) -> Vec<String> {
    anonymous_feed(app).await.iter().map(|post| post["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_write_that_changes_a_page_shows_at_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona = persona["id"].as_str().unwrap().to_owned();
    let first = app.post(&member.access_token, &persona, "第一篇").await;
    assert_eq!(titles(&app).await, ["第一篇"]);

    // Created: shown at once although the page was cached a moment ago.
    let second = app.post(&member.access_token, &persona, "第二篇").await;
    assert_eq!(titles(&app).await, ["第二篇", "第一篇"]);

    // Edited.
    let edit = app
        .http
        .patch(app.url(&format!("/api/v1/posts/{second}")))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "title": "第二篇（改）" }))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), StatusCode::OK);
    assert_eq!(titles(&app).await, ["第二篇（改）", "第一篇"]);

    // Removed by staff, restored.
    app.moderate("post", &first, Some("违规")).await;
    assert_eq!(titles(&app).await, ["第二篇（改）"]);
    app.moderate("post", &first, None).await;
    assert_eq!(titles(&app).await, ["第二篇（改）", "第一篇"]);

    // Deleted by its author.
    let deleted = app
        .http
        .delete(app.url(&format!("/api/v1/posts/{first}")))
        .header("authorization", bearer(&member.access_token));
    assert_eq!(deleted.send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(titles(&app).await, ["第二篇（改）"]);

    // The persona renamed, then removed with her posts.
    let renamed = app
        .http
        .patch(app.url(&format!("/api/v1/personas/{persona}")))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "name": "冰冰" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(anonymous_feed(&app).await[0]["persona"]["name"], "冰冰");
    app.moderate("persona", &persona, Some("违规")).await;
    assert!(titles(&app).await.is_empty());
}

#[tokio::test]
async fn counts_catch_up_within_a_second_and_a_viewer_sees_their_own_reaction_at_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "周迅", &[]).await;
    let post = app.post(&member.access_token, persona["id"].as_str().unwrap(), "演唱会").await;
    assert_eq!(anonymous_feed(&app).await[0]["like_count"], 0);

    let fan = app.sign_in().await;
    app.react(&fan.access_token, "post", &post, "like").await;
    let signed_in: Value = app.get("/api/v1/posts?sort=new", Some(&fan.access_token)).await.json().await.unwrap();
    assert_eq!(signed_in["items"][0]["my_reaction"], "like", "the viewer's own reaction is never stale");
    let counted = eventually(COUNT_LAG, || async { anonymous_feed(&app).await[0]["like_count"] == 1 }).await;
    assert!(counted.is_some(), "the like count was stale for more than {COUNT_LAG:?}");

    app.comment(&fan.access_token, &post, "好看", None).await;
    let counted = eventually(COUNT_LAG, || async { anonymous_feed(&app).await[0]["comment_count"] == 1 }).await;
    assert!(counted.is_some(), "the comment count was stale for more than {COUNT_LAG:?}");
    let anonymous = anonymous_feed(&app).await;
    assert!(anonymous[0]["my_reaction"].is_null(), "an anonymous page carries no one's reaction");
}

#[tokio::test]
async fn a_post_and_its_comments_page_show_comment_writes_at_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "王菲", &[]).await;
    let post = app.post(&member.access_token, persona["id"].as_str().unwrap(), "红馆").await;
    assert!(comments(&app, &post).await.is_empty());
    let first = app.comment(&member.access_token, &post, "第一", None).await;
    assert_eq!(comments(&app, &post).await, ["第一"], "a new comment shows at once");
    let deleted = app
        .http
        .delete(app.url(&format!("/api/v1/comments/{}", first["id"].as_str().unwrap())))
        .header("authorization", bearer(&member.access_token));
    assert_eq!(deleted.send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert!(comments(&app, &post).await.iter().all(|text| text != "第一"), "a deleted comment leaves at once");
    let second = app.comment(&member.access_token, &post, "第二", None).await;
    app.moderate("comment", second["id"].as_str().unwrap(), Some("违规")).await;
    assert!(comments(&app, &post).await.iter().all(|text| text != "第二"), "a removed comment leaves at once");
    let detail = eventually(COUNT_LAG, || async {
        let post: Value = app.get(&format!("/api/v1/posts/{post}"), None).await.json().await.unwrap();
        post["comment_count"] == 0
    })
    .await;
    assert!(detail.is_some(), "the post's comment count caught up within {COUNT_LAG:?}");
}
