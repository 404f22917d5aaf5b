//! Words added to the lexicon are looked for in recent posts and comments: matches are
//! held for review, and an interrupted re-check resumes from its saved cursor.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use sqlx::Row as _;

use crate::helpers::{eventually, spawn_app, TestApp};

async fn hidden(app: &TestApp, post_id: &str) -> bool {
    app.get(&format!("/api/v1/posts/{post_id}"), None).await.status() == StatusCode::NOT_FOUND
}

#[tokio::test]
async fn a_new_word_holds_recent_posts_and_comments_that_use_it() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await["id"].as_str().unwrap().to_owned();
    let flagged = app.post(&member.access_token, &persona, "今晚买六合彩").await;
    let clean = app.post(&member.access_token, &persona, "今晚看电影").await;
    let comment = app.comment(&member.access_token, &clean, "一起买六 合 彩", None).await;

    assert_eq!(app.add_word("六合彩", "gambling", "block").await.status(), StatusCode::CREATED);
    eventually(Duration::from_secs(10), || async { hidden(&app, &flagged).await })
        .await
        .expect("the post with the new word was never held");
    assert!(!hidden(&app, &clean).await);
    // Comments are re-checked after posts.
    let comment_shown = || async {
        let page: Value = app.get(&format!("/api/v1/posts/{clean}/comments"), None).await.json().await.unwrap();
        page["items"].as_array().unwrap().iter().any(|c| c["id"] == comment["id"])
    };
    eventually(Duration::from_secs(10), || async { !comment_shown().await })
        .await
        .expect("the comment with the new word was never held");
    let queue: Value = app.internal(Method::GET, "/content/reports", None).await.json().await.unwrap();
    let held: Vec<&str> = queue.as_array().unwrap().iter().map(|g| g["target_kind"].as_str().unwrap()).collect();
    assert_eq!(held.len(), 2, "{queue}");
    let hits = app.safety_hits("action=review").await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits.iter().all(|hit| hit["field"] == "recheck" && hit["word"] == "六合彩"));
}

#[tokio::test]
async fn an_interrupted_recheck_resumes_after_its_saved_cursor() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "王菲", &[]).await["id"].as_str().unwrap().to_owned();
    let first = app.post(&member.access_token, &persona, "六合彩一").await;
    let second = app.post(&member.access_token, &persona, "六合彩二").await;
    let pool = app.platform.db.pool();
    let created: i64 =
        sqlx::query("SELECT created_at FROM posts WHERE id = ?").bind(&first).fetch_one(pool).await.unwrap().get(0);
    // The lexicon holds the word, and an instance died after its first page: its job
    // saved the cursor at the first post and its lease has run out.
    sqlx::query("INSERT INTO safety_words (word, list, category, action, added_by, added_at) VALUES (?, 'deny', 'gambling', 'review', 'x', 0)")
        .bind("六合彩")
        .execute(pool)
        .await
        .unwrap();
    app.platform.safety.refresh(true).await.unwrap();
    sqlx::query(
        "INSERT INTO safety_rechecks (id, words_added_from, since_ms, post_after, created_at) VALUES ('job-1', 0, 0, ?, 0)",
    )
    .bind(format!("{created}:{first}"))
        .execute(pool)
        .await
        .unwrap();

    eventually(Duration::from_secs(10), || async { hidden(&app, &second).await })
        .await
        .expect("the re-check never resumed");
    assert!(!hidden(&app, &first).await, "the post before the cursor was not checked again");
    let finished = eventually(Duration::from_secs(5), || async {
        let row = sqlx::query("SELECT finished_at, flagged FROM safety_rechecks WHERE id = 'job-1'")
            .fetch_one(pool)
            .await
            .unwrap();
        row.get::<Option<i64>, _>(0).is_some() && row.get::<i64, _>(1) == 1
    })
    .await;
    assert!(finished.is_some(), "the job is finished with one item flagged");
}
