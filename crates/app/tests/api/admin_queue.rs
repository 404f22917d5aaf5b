//! The report queue as a moderator reads it: grouped by target, the one waiting longest
//! first, filtered by kind and reason, with the content as reported and as it is now, and
//! the author's record.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

async fn report(app: &TestApp, kind: &str, id: &str, reason: &str, note: Option<&str>) {
    let reporter = app.sign_in().await;
    let body = json!({ "target_kind": kind, "target_id": id, "reason": reason, "note": note });
    let filed = app.post_json("/api/v1/reports", Some(&reporter.access_token), &body).await;
    assert_eq!(filed.status(), StatusCode::CREATED);
}

fn targets(queue: &Value) -> Vec<&str> {
    queue.as_array().unwrap().iter().map(|entry| entry["target_id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_queue_is_oldest_first_filtered_and_shows_the_authors_record() {
    let app = spawn_app().await;
    let author = app.member().await;
    let persona = app.create_persona(&author.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let earlier = app.post(&author.access_token, persona_id, "早先的帖子").await;
    app.moderate("post", &earlier, Some("违规")).await;
    let post = app.post(&author.access_token, persona_id, "原来的标题").await;
    let comment = app.comment(&author.access_token, &post, "难听的话", None).await;
    let comment_id = comment["id"].as_str().unwrap();

    report(&app, "comment", comment_id, "abuse", None).await;
    report(&app, "post", &post, "spam", Some("发广告")).await;
    report(&app, "post", &post, "abuse", None).await;
    let admin = app.staff_sign_in("staff-admin").await;
    // An earlier, lifted ban is part of the record.
    let ban = json!({ "days": 1, "reason": "警告" });
    let path = format!("/users/{}/ban", author.user_id);
    assert_eq!(admin.send(&app, Method::PUT, &path, Some(ban), true).await.status(), StatusCode::OK);
    let lifted = admin.send(&app, Method::DELETE, &path, Some(json!({ "reason": "误封" })), true).await;
    assert_eq!(lifted.status(), StatusCode::OK);
    let author = app.sign_in_as(Some(&author.openid)).await;
    let edit = app
        .http
        .patch(app.url(&format!("/api/v1/posts/{post}")))
        .bearer_auth(&author.access_token)
        .json(&json!({ "title": "改过的标题" }))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), StatusCode::OK);

    let moderator = app.staff_sign_in("staff-moderator").await;
    let queue: Value = moderator.send(&app, Method::GET, "/reports", None, true).await.json().await.unwrap();
    assert_eq!(targets(&queue), [comment_id, post.as_str()], "the one reported first comes first");
    let entry = &queue[1];
    assert_eq!(entry["open_count"], 2);
    assert_eq!(entry["reasons"], json!({ "abuse": 1, "spam": 1 }));
    assert_eq!(entry["reported"]["title"], "原来的标题");
    assert_eq!(entry["content"]["title"], "改过的标题");
    assert_eq!(entry["reports"][0]["note"], "发广告");
    let record = &entry["author"];
    assert_eq!(record["id"], author.user_id.as_str());
    assert_eq!(record["removed_items"], 1);
    assert_eq!(record["bans"], 1);
    assert_eq!(record["banned_until"], Value::Null);
    assert!(record["created_at"].is_string());

    let only_posts: Value =
        moderator.send(&app, Method::GET, "/reports?kind=post", None, true).await.json().await.unwrap();
    assert_eq!(targets(&only_posts), [post.as_str()]);
    let spam: Value = moderator.send(&app, Method::GET, "/reports?reason=spam", None, true).await.json().await.unwrap();
    assert_eq!(targets(&spam), [post.as_str()]);
    assert_eq!(spam[0]["reasons"], json!({ "abuse": 1, "spam": 1 }), "the other reasons still show");
    let abuse: Value =
        moderator.send(&app, Method::GET, "/reports?kind=comment&reason=abuse", None, true).await.json().await.unwrap();
    assert_eq!(targets(&abuse), [comment_id]);
    let bad = moderator.send(&app, Method::GET, "/reports?kind=video", None, true).await;
    assert!(bad.status().is_client_error(), "{}", bad.status());

    // Banned for good, the record says so.
    let permanent = json!({ "reason": "屡教不改" });
    assert_eq!(admin.send(&app, Method::PUT, &path, Some(permanent), true).await.status(), StatusCode::OK);
    let queue: Value = moderator.send(&app, Method::GET, "/reports?kind=post", None, true).await.json().await.unwrap();
    let record = &queue[0]["author"];
    assert_eq!((record["permanently_banned"].as_bool(), record["bans"].as_i64()), (Some(true), Some(2)));
    assert_eq!(record["ban_reason"], "屡教不改");
}
