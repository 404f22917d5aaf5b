//! Comments, reactions and reports.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Row as _;

use crate::helpers::{assert_problem, bearer, spawn_app, spawn_with};

#[tokio::test]
async fn threads_show_three_replies_page_the_rest_and_survive_a_deleted_parent() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let post = app.post(&member.access_token, persona["id"].as_str().unwrap(), "讨论").await;
    let (alice, bob) = (app.sign_in().await, app.sign_in().await);
    let root = app.comment(&alice.access_token, &post, "楼主说得对", None).await;
    let root_id = root["id"].as_str().unwrap();
    let mut replies = Vec::new();
    let mut parent = root_id.to_owned();
    for index in 0..5 {
        let who = if index % 2 == 0 { &bob } else { &alice };
        let reply = app.comment(&who.access_token, &post, &format!("回复{index}"), Some(&parent)).await;
        assert_eq!(reply["root_id"], root_id, "reply {index} is in the thread");
        parent = reply["id"].as_str().unwrap().to_owned();
        replies.push(reply);
    }
    assert!(replies[0]["reply_to"].is_null(), "a direct reply to the top comment names nobody");
    assert_eq!(replies[1]["reply_to"]["id"], bob.user_id.as_str());
    let lonely = app.comment(&bob.access_token, &post, "沙发", None).await;

    let page: Value = app.get(&format!("/api/v1/posts/{post}/comments?sort=new"), None).await.json().await.unwrap();
    let thread = page["items"].as_array().unwrap().iter().find(|c| c["id"] == root_id).unwrap().clone();
    assert_eq!(thread["reply_count"], 5);
    let shown: Vec<&str> = thread["replies"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(shown, ["回复0", "回复1", "回复2"]);
    let rest: Value = app.get(&format!("/api/v1/comments/{root_id}/replies?limit=2"), None).await.json().await.unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    let cursor = rest["next_cursor"].as_str().unwrap();
    let more: Value = app
        .get(&format!("/api/v1/comments/{root_id}/replies?limit=2&cursor={cursor}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(more["items"][0]["text"], "回复2");

    // The top comment's author deletes it: the thread stays under a placeholder.
    let delete = |token: String, id: String| {
        let request =
            app.http.delete(app.url(&format!("/api/v1/comments/{id}"))).header("authorization", bearer(&token));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(delete(bob.access_token.clone(), root_id.to_owned()).await, StatusCode::FORBIDDEN);
    assert_eq!(delete(alice.access_token.clone(), root_id.to_owned()).await, StatusCode::NO_CONTENT);
    assert_eq!(
        delete(bob.access_token.clone(), lonely["id"].as_str().unwrap().to_owned()).await,
        StatusCode::NO_CONTENT
    );
    let page: Value = app.get(&format!("/api/v1/posts/{post}/comments"), None).await.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the empty deleted comment is gone; the thread stays");
    assert_eq!(items[0]["text"], "该评论已删除");
    assert_eq!(items[0]["deleted"], true);
    assert!(items[0]["author"].is_null());
    assert_eq!(items[0]["replies"].as_array().unwrap().len(), 3);
    let post_view: Value = app.get(&format!("/api/v1/posts/{post}"), None).await.json().await.unwrap();
    assert_eq!(post_view["comment_count"], 5, "7 written, 2 deleted");
    let response = app
        .post_json(
            &format!("/api/v1/posts/{post}/comments"),
            Some(&bob.access_token),
            &json!({ "text": "x", "reply_to": "nope" }),
        )
        .await;
    let body = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(body["errors"][0]["field"], "reply_to");
}

#[tokio::test]
async fn a_hundred_concurrent_toggles_leave_exact_counts() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("login_qr".into(), yujie_kernel::config::RateRule::new(1000, 60));
    })
    .await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let post = app.post(&member.access_token, persona["id"].as_str().unwrap(), "投票").await;
    let comment = app.comment(&member.access_token, &post, "评论", None).await;
    let comment_id = comment["id"].as_str().unwrap().to_owned();
    let mut users = Vec::new();
    for _ in 0..100 {
        users.push(app.sign_in().await);
    }
    let mut tasks = Vec::new();
    for (index, user) in users.iter().enumerate() {
        let (http, token) = (app.http.clone(), user.access_token.clone());
        let post_url = app.url(&format!("/api/v1/posts/{post}/reaction"));
        let comment_url = app.url(&format!("/api/v1/comments/{comment_id}/reaction"));
        tasks.push(tokio::spawn(async move {
            // Every user reacts; some switch, some take it back.
            let first = if index % 2 == 0 { "like" } else { "dislike" };
            let put = |url: &str, reaction: &str| {
                http.put(url).bearer_auth(&token).json(&json!({ "reaction": reaction })).send()
            };
            assert_eq!(put(&post_url, first).await.unwrap().status(), StatusCode::OK);
            if index % 3 == 0 {
                assert_eq!(
                    put(&post_url, if first == "like" { "dislike" } else { "like" }).await.unwrap().status(),
                    StatusCode::OK
                );
            }
            if index % 5 == 0 {
                assert_eq!(put(&post_url, "like").await.unwrap().status(), StatusCode::OK);
            }
            assert_eq!(put(&comment_url, "like").await.unwrap().status(), StatusCode::OK);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let rows = |kind: &'static str, id: String, value: i64| {
        let pool = app.platform.db.pool().clone();
        async move {
            sqlx::query("SELECT COUNT(*) AS n FROM reactions WHERE target_kind = ? AND target_id = ? AND value = ?")
                .bind(kind)
                .bind(id)
                .bind(value)
                .fetch_one(&pool)
                .await
                .unwrap()
                .try_get::<i64, _>("n")
                .unwrap()
        }
    };
    let view: Value = app.get(&format!("/api/v1/posts/{post}"), None).await.json().await.unwrap();
    let (likes, dislikes) = (rows("post", post.clone(), 1).await, rows("post", post.clone(), -1).await);
    // Each user's own requests run in order, so where they end is fixed: even users
    // start with a like, odd ones with a dislike; every third switches; every fifth then
    // likes, which takes a like back or turns a dislike into a like.
    assert_eq!((likes, dislikes), (52, 39));
    assert_eq!((view["like_count"].as_i64().unwrap(), view["dislike_count"].as_i64().unwrap()), (likes, dislikes));
    let comments: Value = app.get(&format!("/api/v1/posts/{post}/comments"), None).await.json().await.unwrap();
    assert_eq!(comments["items"][0]["like_count"], 100);
    assert_eq!(rows("comment", comment_id, 1).await, 100);
}

/// One user toggling the same post 50 times at once (double taps, several tabs): no
/// 5xx, and the counters equal the one row that is left, or none.
#[tokio::test]
async fn fifty_concurrent_toggles_by_one_user_stay_exact() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("reaction".into(), yujie_kernel::config::RateRule::new(1000, 3600));
    })
    .await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let post = app.post(&member.access_token, persona["id"].as_str().unwrap(), "连点").await;
    let url = app.url(&format!("/api/v1/posts/{post}/reaction"));
    let mut tasks = Vec::new();
    for index in 0..50 {
        let (http, token, url) = (app.http.clone(), member.access_token.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let reaction = if index % 3 == 0 { "dislike" } else { "like" };
            http.put(url).bearer_auth(token).json(&json!({ "reaction": reaction })).send().await.unwrap().status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    let stored: Vec<i64> = sqlx::query("SELECT value FROM reactions WHERE target_kind = 'post' AND target_id = ?")
        .bind(&post)
        .fetch_all(app.platform.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("value").unwrap())
        .collect();
    let view: Value = app.get(&format!("/api/v1/posts/{post}"), None).await.json().await.unwrap();
    let counted = (view["like_count"].as_i64().unwrap(), view["dislike_count"].as_i64().unwrap());
    let expected =
        (stored.iter().filter(|v| **v == 1).count() as i64, stored.iter().filter(|v| **v == -1).count() as i64);
    assert!(stored.len() <= 1);
    assert_eq!(counted, expected);
}

#[tokio::test]
async fn one_open_report_per_user_per_item_with_a_snapshot() {
    let app = spawn_app().await;
    let author = app.sign_in().await;
    let persona = app.create_persona(&author.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let photo: Value = app
        .upload_photo(&author.access_token, persona_id, "p.png", crate::helpers::png(20, 20))
        .await
        .json()
        .await
        .unwrap();
    let reporter = app.sign_in().await;
    let report =
        json!({ "target_kind": "photo", "target_id": photo["id"], "reason": "privacy", "note": "未经同意的私人照片" });
    assert_eq!(
        app.post_json("/api/v1/reports", Some(&reporter.access_token), &report).await.status(),
        StatusCode::CREATED
    );
    assert_problem(
        app.post_json("/api/v1/reports", Some(&reporter.access_token), &report).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    let persona_report = json!({ "target_kind": "persona", "target_id": persona_id, "reason": "false_info" });
    assert_eq!(
        app.post_json("/api/v1/reports", Some(&reporter.access_token), &persona_report).await.status(),
        StatusCode::CREATED
    );

    for (body, field) in [
        (json!({ "target_kind": "photo", "target_id": photo["id"], "reason": "boring" }), "reason"),
        (
            json!({ "target_kind": "photo", "target_id": photo["id"], "reason": "other", "note": "长".repeat(501) }),
            "note",
        ),
        (json!({ "target_kind": "post", "target_id": "missing", "reason": "spam" }), "target_id"),
    ] {
        let response = app.post_json("/api/v1/reports", Some(&reporter.access_token), &body).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let queue: Value = app.internal(Method::GET, "/content/reports", None).await.json().await.unwrap();
    let photo_group = queue.as_array().unwrap().iter().find(|g| g["target_kind"] == "photo").unwrap();
    assert_eq!(photo_group["open_count"], 1);
    assert_eq!(photo_group["reasons"], json!({ "privacy": 1 }));
    assert_eq!(photo_group["reports"][0]["note"], "未经同意的私人照片");
    assert_eq!(photo_group["author_id"], author.user_id.as_str());
}

#[tokio::test]
async fn removed_content_and_a_removed_users_content_vanish_from_every_read() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let post = app.post(&member.access_token, persona_id, "正常帖子").await;
    let troll = app.member().await;
    let troll_post = app.post(&troll.access_token, persona_id, "广告帖").await;
    let troll_comment = app.comment(&troll.access_token, &post, "加我微信", None).await;
    let kept = app.comment(&member.access_token, &post, "欢迎讨论", None).await;

    let response = app
        .internal(Method::PUT, &format!("/content/users/{}/removal", troll.user_id), Some(json!({ "reason": "广告" })))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let feed = app.feed_ids("/api/v1/posts").await;
    assert_eq!(feed, std::slice::from_ref(&post));
    assert_eq!(app.feed_ids(&format!("/api/v1/personas/{persona_id}/posts")).await, std::slice::from_ref(&post));
    assert_problem(app.get(&format!("/api/v1/posts/{troll_post}"), None).await, StatusCode::NOT_FOUND, "not_found")
        .await;
    let comments: Value = app.get(&format!("/api/v1/posts/{post}/comments"), None).await.json().await.unwrap();
    let ids: Vec<&str> = comments["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [kept["id"].as_str().unwrap()]);
    let listed: Value = app
        .internal(Method::GET, &format!("/content/users/{}/content", troll.user_id), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed.as_array().unwrap().iter().all(|item| item["state"] == "removed"));
    assert_eq!(listed.as_array().unwrap().len(), 2);

    app.moderate("comment", kept["id"].as_str().unwrap(), Some("离题")).await;
    let comments: Value = app.get(&format!("/api/v1/posts/{post}/comments"), None).await.json().await.unwrap();
    assert!(comments["items"].as_array().unwrap().is_empty());
    let reaction = app
        .http
        .put(app.url(&format!("/api/v1/comments/{}/reaction", kept["id"].as_str().unwrap())))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "reaction": "like" }))
        .send()
        .await
        .unwrap();
    assert_problem(reaction, StatusCode::NOT_FOUND, "not_found").await;

    let response = app.internal(Method::DELETE, &format!("/content/users/{}/removal", troll.user_id), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.feed_ids("/api/v1/posts").await.len(), 2);
    let view: Value = app.get(&format!("/api/v1/posts/{post}"), None).await.json().await.unwrap();
    assert_eq!(view["comment_count"], 1, "the troll's comment is back; the removed one is not");
    let comments: Value = app.get(&format!("/api/v1/posts/{post}/comments"), None).await.json().await.unwrap();
    assert_eq!(comments["items"][0]["id"], troll_comment["id"]);
}

/// The reply previews of a page come from one query for all threads; each thread still
/// shows its own first three replies, in order.
#[tokio::test]
async fn each_thread_previews_its_own_first_replies() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let post = app.post(&member.access_token, persona["id"].as_str().unwrap(), "两个楼").await;
    let mut roots = Vec::new();
    for thread in ["甲", "乙"] {
        let root = app.comment(&member.access_token, &post, thread, None).await;
        let root_id = root["id"].as_str().unwrap().to_owned();
        for n in 0..4 {
            app.comment(&member.access_token, &post, &format!("{thread}{n}"), Some(&root_id)).await;
        }
        roots.push((thread, root_id));
    }
    let page: Value = app.get(&format!("/api/v1/posts/{post}/comments?sort=new"), None).await.json().await.unwrap();
    for (thread, root_id) in roots {
        let item = page["items"].as_array().unwrap().iter().find(|c| c["id"] == root_id.as_str()).unwrap();
        let shown: Vec<&str> =
            item["replies"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
        assert_eq!(shown, [format!("{thread}0"), format!("{thread}1"), format!("{thread}2")]);
    }
}
