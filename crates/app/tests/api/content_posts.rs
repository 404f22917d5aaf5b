use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, bearer, spawn_app, spawn_with};

#[tokio::test]
async fn a_member_posts_users_discuss_react_report_and_staff_remove() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &["冰冰"]).await;
    let persona_id = persona["id"].as_str().unwrap();

    // 1. a post with 3 images
    let response =
        app.create_post(&member.access_token, persona_id, "《还珠格格》重映", "今天去看了重映。\n太好看了！", 3).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let post: Value = response.json().await.unwrap();
    let post_id = post["id"].as_str().unwrap();
    assert_eq!(post["images"].as_array().unwrap().len(), 3);
    assert_eq!(post["text_html"], "今天去看了重映。<br>太好看了！");
    let thumb = app.http.get(post["images"][0]["thumb_url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);

    // 2. two users comment, one replies, the member replies to the reply
    let (alice, bob) = (app.sign_in().await, app.sign_in().await);
    let first = app.comment(&alice.access_token, post_id, "金锁好美", None).await;
    app.comment(&bob.access_token, post_id, "同意", None).await;
    let reply = app.comment(&bob.access_token, post_id, "确实", Some(first["id"].as_str().unwrap())).await;
    let answer = app.comment(&member.access_token, post_id, "谢谢", Some(reply["id"].as_str().unwrap())).await;
    assert_eq!(answer["root_id"], first["id"], "a reply to a reply joins the thread");
    assert_eq!(answer["reply_to"]["id"], bob.user_id.as_str(), "回复 @bob");

    // 3. reactions, and a switch that moves the counts
    app.react(&alice.access_token, "post", post_id, "like").await;
    app.react(&bob.access_token, "post", post_id, "dislike").await;
    let switched = app.react(&bob.access_token, "post", post_id, "like").await;
    assert_eq!((switched["like_count"].as_i64(), switched["dislike_count"].as_i64()), (Some(2), Some(0)));
    assert_eq!(switched["my_reaction"], "like");
    let undone = app.react(&bob.access_token, "post", post_id, "like").await;
    assert_eq!((undone["like_count"].as_i64(), undone["my_reaction"].clone()), (Some(1), Value::Null));
    let seen: Value =
        app.get(&format!("/api/v1/posts/{post_id}"), Some(&alice.access_token)).await.json().await.unwrap();
    assert_eq!(seen["my_reaction"], "like");
    assert_eq!(seen["comment_count"], 4);

    // 4. a report, 5. grouped with its reasons
    let report = json!({ "target_kind": "post", "target_id": post_id, "reason": "false_info", "note": "时间不对" });
    assert_eq!(
        app.post_json("/api/v1/reports", Some(&alice.access_token), &report).await.status(),
        StatusCode::CREATED
    );
    let spam = json!({ "target_kind": "post", "target_id": post_id, "reason": "spam" });
    assert_eq!(app.post_json("/api/v1/reports", Some(&bob.access_token), &spam).await.status(), StatusCode::CREATED);
    let queue: Value = app.internal(Method::GET, "/content/reports", None).await.json().await.unwrap();
    let group = &queue[0];
    assert_eq!((group["target_kind"].as_str(), group["target_id"].as_str()), (Some("post"), Some(post_id)));
    assert_eq!(group["open_count"], 2);
    assert_eq!(group["reasons"], json!({ "false_info": 1, "spam": 1 }));
    assert_eq!(group["author"]["id"], member.user_id.as_str());
    assert_eq!(group["content"]["title"], "《还珠格格》重映");
    assert_eq!(group["reports"][0]["snapshot"]["text"], "今天去看了重映。\n太好看了！");

    // 6. removal hides it from the feeds and the persona's page
    assert!(app.feed_ids("/api/v1/posts").await.contains(&post_id.to_owned()));
    app.moderate("post", post_id, Some("不实信息")).await;
    assert!(app.feed_ids("/api/v1/posts").await.is_empty());
    assert!(app.feed_ids(&format!("/api/v1/personas/{persona_id}/posts")).await.is_empty());
    assert!(app.feed_ids("/api/v1/posts?sort=hot").await.is_empty());
    assert_problem(app.get(&format!("/api/v1/posts/{post_id}"), None).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(
        app.get(&format!("/api/v1/posts/{post_id}/comments"), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let queue: Value = app.internal(Method::GET, "/content/reports", None).await.json().await.unwrap();
    assert!(queue[0]["content"].is_null(), "the queue shows the item is gone; the snapshots remain");
    assert_eq!(queue[0]["reports"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_hot_feed_ranks_by_likes_and_freshness() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let fans = [app.sign_in().await, app.sign_in().await];
    let ancient = app.post(&member.access_token, persona_id, "老帖").await;
    app.platform.clock.advance(Duration::from_secs(2 * 86_400));
    // Two days on, access tokens have expired; refresh tokens still work.
    let member = app.refresh(&member).await;
    let old = app.post(&member.access_token, persona_id, "旧帖").await;
    app.platform.clock.advance(Duration::from_secs(3600));
    let member = app.refresh(&member).await;
    let fans = [app.refresh(&fans[0]).await, app.refresh(&fans[1]).await];
    let fresh = app.post(&member.access_token, persona_id, "新帖").await;
    let hot = "/api/v1/posts?sort=hot";
    assert_eq!(app.feed_ids(hot).await, [fresh.clone(), old.clone(), ancient.clone()], "newest first");
    // Two likes (log10 2 ≈ 3.8 hours of freshness) lift a post over one an hour newer...
    for fan in &fans {
        app.react(&fan.access_token, "post", &old, "like").await;
    }
    let expected = [old.clone(), fresh.clone(), ancient.clone()];
    assert_eq!(app.feed_ids_settled(hot, &expected).await, expected, "likes lift a post");
    // ...but not over two days: a fresh post beats an old one with as many likes.
    for fan in &fans {
        app.react(&fan.access_token, "post", &ancient, "like").await;
    }
    // (Past the page cache's lifetime, so this reads the new counts.)
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.feed_ids(hot).await, [old.clone(), fresh.clone(), ancient.clone()]);
    // Taking the likes back puts the order back.
    for fan in &fans {
        app.react(&fan.access_token, "post", &old, "like").await;
    }
    let expected = [fresh, old, ancient];
    assert_eq!(app.feed_ids_settled(hot, &expected).await, expected, "undone likes no longer count");
}

#[tokio::test]
async fn keyset_pages_have_no_duplicates_or_gaps_while_posts_arrive() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("post_create".into(), yujie_kernel::config::RateRule::new(100, 3600));
    })
    .await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let mut existing = Vec::new();
    for index in 0..7 {
        existing.push(app.post(&member.access_token, persona_id, &format!("帖子{index}")).await);
    }
    let mut seen: Vec<String> = Vec::new();
    let mut path = "/api/v1/posts?sort=new&limit=3".to_owned();
    let mut page_number = 0;
    loop {
        let page: Value = app.get(&path, None).await.json().await.unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        page_number += 1;
        // New posts land between pages; they belong to the head of the feed, not here.
        app.post(&member.access_token, persona_id, &format!("插入{page_number}")).await;
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/posts?sort=new&limit=3&cursor={cursor}"),
            None => break,
        }
    }
    existing.reverse();
    assert_eq!(seen, existing, "every post once, newest first");
}

#[tokio::test]
async fn post_input_is_validated_and_rendered_inert() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let check = |response: reqwest::Response, field: &'static str| async move {
        let body = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    };
    check(app.create_post(&member.access_token, persona_id, "", "正文", 0).await, "title").await;
    check(app.create_post(&member.access_token, persona_id, &"标".repeat(81), "正文", 0).await, "title").await;
    check(app.create_post(&member.access_token, persona_id, "标题", &"字".repeat(5001), 0).await, "text").await;
    check(app.create_post(&member.access_token, persona_id, "标题", "正文", 10).await, "images").await;
    check(app.create_post(&member.access_token, "no-such-persona", "标题", "正文", 0).await, "persona_id").await;
    assert_eq!(
        app.create_post(&member.access_token, persona_id, &"标".repeat(80), "正文", 9).await.status(),
        StatusCode::CREATED
    );

    let hostile = "<script>alert('x')</script>\n<a href=\"javascript:alert(1)\">点我</a> https://example.com/?a=1&b=2";
    let response = app.create_post(&member.access_token, persona_id, "<b>标题</b>", hostile, 0).await;
    let post: Value = response.json().await.unwrap();
    let html = post["text_html"].as_str().unwrap();
    assert!(!html.contains("<script") && !html.contains("<a href=\"javascript"), "{html}");
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains("<a href=\"https://example.com/?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer ugc\""));
    assert_eq!(post["text"], hostile, "the text itself is kept as written");
    assert_eq!(post["title"], "<b>标题</b>");

    let path = format!("/api/v1/posts/{}", post["id"].as_str().unwrap());
    let edit = app
        .http
        .patch(app.url(&path))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "title": "改过的标题", "event_date": "2024-05-20" }))
        .send()
        .await
        .unwrap();
    let edited: Value = edit.json().await.unwrap();
    assert_eq!((edited["title"].as_str(), edited["event_date"].as_str()), (Some("改过的标题"), Some("2024-05-20")));
    assert!(edited["edited_at"].is_string(), "an edit leaves a mark");
    let bad = app
        .http
        .patch(app.url(&path))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "event_date": "2024-13-01" }))
        .send()
        .await
        .unwrap();
    check(bad, "event_date").await;
}

#[tokio::test]
async fn posting_is_rate_limited_per_user() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert("post_create".into(), yujie_kernel::config::RateRule::new(2, 3600));
    })
    .await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    app.post(&member.access_token, persona_id, "一").await;
    app.post(&member.access_token, persona_id, "二").await;
    let response = app.create_post(&member.access_token, persona_id, "三", "正文", 0).await;
    // The window opened with the first post, seconds ago: it ends in just under an hour.
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3590..=3600).contains(&retry_after), "Retry-After {retry_after}");
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let other = app.member().await;
    assert_eq!(
        app.create_post(&other.access_token, persona_id, "别人的", "正文", 0).await.status(),
        StatusCode::CREATED
    );
}

/// Rejected attempts do not use up the limit; a looser limit still counts every attempt.
#[tokio::test]
async fn mistakes_do_not_use_up_the_posting_limit() {
    let app = spawn_with(|config| {
        config.http.rate_limits.insert(
            "post_create".into(),
            yujie_kernel::config::RateRule { limit: 2, window_secs: 3600, attempts: Some(8) },
        );
    })
    .await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    for _ in 0..4 {
        let malformed = app.create_post(&member.access_token, persona_id, "", "正文", 0).await;
        assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    app.post(&member.access_token, persona_id, "一").await;
    app.post(&member.access_token, persona_id, "二").await;
    let third = app.create_post(&member.access_token, persona_id, "三", "正文", 0).await;
    assert_problem(third, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Someone who only ever fails is stopped by the attempt limit.
    let careless = app.member().await;
    for _ in 0..8 {
        let malformed = app.create_post(&careless.access_token, persona_id, "", "正文", 0).await;
        assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let ninth = app.create_post(&careless.access_token, persona_id, "", "正文", 0).await;
    assert_problem(ninth, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn post_changes_reach_the_change_feed() {
    let app = spawn_app().await;
    let member = app.member().await;
    let persona = app.create_persona(&member.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap();
    let kept = app.post(&member.access_token, persona_id, "保留").await;
    let deleted = app.post(&member.access_token, persona_id, "删除").await;
    app.http
        .patch(app.url(&format!("/api/v1/posts/{kept}")))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "text": "新正文" }))
        .send()
        .await
        .unwrap();
    app.http
        .delete(app.url(&format!("/api/v1/posts/{deleted}")))
        .header("authorization", bearer(&member.access_token))
        .send()
        .await
        .unwrap();
    app.moderate("post", &kept, Some("违规")).await;
    let changes = app.changes_after(0, 100).await;
    let posts: Vec<String> = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["item_kind"] == "post")
        .map(|c| {
            format!(
                "{}:{}",
                if c["item_id"] == kept.as_str() { "kept" } else { "deleted" },
                c["action"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(posts, ["kept:created", "deleted:created", "kept:updated", "deleted:deleted", "kept:removed"]);
    let removed = changes["changes"].as_array().unwrap().last().unwrap();
    assert_eq!(removed["persona_id"], persona_id);
    assert_eq!(removed["payload"]["text"], "新正文");
}
