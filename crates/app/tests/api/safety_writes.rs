//! Every write path people use passes the sensitive-word filter over HTTP: block words
//! refuse the write naming the field and the category (never the word), mask words are
//! stored as `*`, review words store the item hidden and queue it for staff.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, bearer, spawn_app, TestApp};

async fn refused(response: reqwest::Response, field: &str, category: &str) -> Value {
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "content_refused").await;
    assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    assert_eq!(problem["context"]["category"], category, "{problem}");
    let body = problem.to_string();
    for (word, _, _) in crate::safety_helpers::FIXTURE {
        assert!(!body.contains(word), "the answer never echoes the lexicon: {body}");
    }
    problem
}

async fn persona(app: &TestApp, token: &str) -> String {
    app.create_persona(token, "范冰冰", &[]).await["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_post_with_an_evasive_block_word_is_refused_naming_field_and_category() {
    let app = spawn_app().await;
    app.load_fixture_lexicon().await;
    let member = app.member().await;
    let persona = persona(&app, &member.access_token).await;

    // Full-width letters with symbols between them.
    let response =
        app.create_post(&member.access_token, &persona, "新剧", "点这里 ＳＰ@Ａ#Ｍ*ＬＩ~ＮＫ 领福利", 0).await;
    refused(response, "text", "advert").await;
    let response = app.create_post(&member.access_token, &persona, "加我微@!!%。信", "正文", 0).await;
    let problem = refused(response, "title", "advert").await;
    assert_eq!(problem["context"]["category_label"], "广告");
    assert_eq!(app.count("posts").await, 0, "nothing of a refused post is stored");

    let hits = app.safety_hits("place=post&action=block").await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits.iter().all(|hit| hit["user_id"] == member.user_id.as_str() && hit["category"] == "advert"));
    let words: Vec<&str> = hits.iter().map(|hit| hit["word"].as_str().unwrap()).collect();
    assert_eq!(words, ["微信", "spamlink"], "newest first");

    // An edit is screened like a new post.
    let post = app.post(&member.access_token, &persona, "新剧").await;
    let edit = app
        .http
        .patch(app.url(&format!("/api/v1/posts/{post}")))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "text": "代~开~发~票找我" }))
        .send()
        .await
        .unwrap();
    refused(edit, "text", "advert").await;
}

#[tokio::test]
async fn mask_words_are_stored_masked_everywhere_people_write() {
    let app = spawn_app().await;
    app.load_fixture_lexicon().await;
    let member = app.member().await;
    let persona_id = persona(&app, &member.access_token).await;

    let created = app.create_post(&member.access_token, &persona_id, "笨蛋才不看", "真是个ＢＡＤＷＯＲＤ 😀", 0).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let post: Value = created.json().await.unwrap();
    assert_eq!(post["title"], "**才不看");
    assert_eq!(post["text"], "真是个******* 😀");
    let post_id = post["id"].as_str().unwrap();

    let comment = app.comment(&member.access_token, post_id, "你这个笨\u{200D}蛋！👩‍👩‍👧", None).await;
    assert_eq!(comment["text"], "你这个**！👩‍👩‍👧");

    let me = app
        .http
        .patch(app.url("/api/v1/me"))
        .header("authorization", bearer(&member.access_token))
        .json(&json!({ "nickname": "笨笨蛋蛋小王" }))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.json::<Value>().await.unwrap()["nickname"], "****小王");

    let alias = app.create_persona(&member.access_token, "周迅", &["迅哥", "笨蛋迅"]).await;
    assert_eq!(alias["aliases"], json!(["迅哥", "**迅"]));

    let entry = json!({ "section": "achievement", "title": "最佳笨蛋奖", "year": 2015, "issuer": "金马奖" });
    let response = app.add_entry(&member.access_token, &persona_id, entry).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.json::<Value>().await.unwrap()["title"], "最佳**奖");

    let reporter = app.sign_in().await;
    let report = json!({ "target_kind": "post", "target_id": post_id, "reason": "abuse", "note": "作者是笨蛋" });
    let response = app.post_json("/api/v1/reports", Some(&reporter.access_token), &report).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let queue: Value = app.internal(Method::GET, "/content/reports", None).await.json().await.unwrap();
    assert_eq!(queue[0]["reports"][0]["note"], "作者是**");

    let places: Vec<String> =
        app.safety_hits("action=mask").await.iter().map(|hit| hit["place"].as_str().unwrap().to_owned()).collect();
    for place in ["post", "comment", "nickname", "persona", "entry", "report"] {
        assert!(places.iter().any(|p| p == place), "{place} hit audited: {places:?}");
    }
}

#[tokio::test]
async fn a_review_word_stores_the_item_hidden_and_queues_it_for_staff() {
    let app = spawn_app().await;
    app.load_fixture_lexicon().await;
    let member = app.member().await;
    let persona_id = persona(&app, &member.access_token).await;
    let other = app.sign_in().await;

    let created = app.create_post(&member.access_token, &persona_id, "周末", "今晚一起去賭場", 0).await;
    assert_eq!(created.status(), StatusCode::CREATED, "stored (traditional 賭場 is 赌场)");
    let post: Value = created.json().await.unwrap();
    let post_id = post["id"].as_str().unwrap();
    assert_eq!(post["text"], "今晚一起去賭場", "review keeps the text as written for the moderator");
    let seen = app.get(&format!("/api/v1/posts/{post_id}"), Some(&other.access_token)).await;
    assert_eq!(seen.status(), StatusCode::NOT_FOUND, "hidden from others until reviewed");
    let queue: Value = app.internal(Method::GET, "/content/reports", None).await.json().await.unwrap();
    let group = queue.as_array().unwrap().iter().find(|group| group["target_id"] == post_id).unwrap();
    assert_eq!(group["reasons"], json!({ "sensitive_word": 1 }));
    assert_eq!(group["reports"][0]["snapshot"]["text"], "今晚一起去賭場");
    assert_eq!(group["reports"][0]["note"], "敏感词待审核：赌博");

    // Staff restore it: visible again.
    let restored = app.internal(Method::DELETE, &format!("/content/items/post/{post_id}/removal"), None).await;
    assert!(restored.status().is_success(), "{}", restored.status());
    assert_eq!(app.get(&format!("/api/v1/posts/{post_id}"), None).await.status(), StatusCode::OK);

    // The allow-list entry holding the review word passes untouched.
    let film = app.post(&member.access_token, &persona_id, "重温《赌场风云》").await;
    assert_eq!(app.get(&format!("/api/v1/posts/{film}"), Some(&other.access_token)).await.status(), StatusCode::OK);

    let comment = app
        .post_json(&format!("/api/v1/posts/{film}/comments"), Some(&other.access_token), &json!({ "text": "赌 场见" }))
        .await;
    assert_eq!(comment.status(), StatusCode::CREATED);
    let comment: Value = comment.json().await.unwrap();
    let page: Value = app.get(&format!("/api/v1/posts/{film}/comments"), None).await.json().await.unwrap();
    assert!(page["items"].as_array().unwrap().iter().all(|c| c["id"] != comment["id"]), "held comment hidden");
    let review_hits = app.safety_hits("action=review").await;
    assert_eq!(review_hits.len(), 2, "{review_hits:?}");
    assert!(review_hits.iter().all(|hit| hit["category"] == "gambling"));
}

#[tokio::test]
async fn names_cannot_be_held_so_review_words_refuse_them() {
    let app = spawn_app().await;
    app.load_fixture_lexicon().await;
    let user = app.sign_in().await;
    let response = app
        .post_json("/api/v1/personas", Some(&user.access_token), &json!({ "name": "赌场之王", "aliases": [] }))
        .await;
    refused(response, "name", "gambling").await;
    let response = app
        .post_json(
            "/api/v1/personas",
            Some(&user.access_token),
            &json!({ "name": "王菲", "aliases": ["天后", "微信号"] }),
        )
        .await;
    refused(response, "aliases[1]", "advert").await;
    let nickname = app
        .http
        .patch(app.url("/api/v1/me"))
        .header("authorization", bearer(&user.access_token))
        .json(&json!({ "nickname": "ｗｅｉ信客服" }))
        .send()
        .await
        .unwrap();
    assert_eq!(nickname.status(), StatusCode::OK, "a different word (wei信) is not 微信");
    assert_eq!(app.count("personas").await, 0);
}
