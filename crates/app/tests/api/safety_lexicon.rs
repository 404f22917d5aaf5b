//! The lexicon's internal API: add, list, remove, import; changes apply without a
//! restart; it answers only on the staff listener with the internal token.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_problem, bearer, spawn_app};

#[tokio::test]
async fn words_are_added_listed_enforced_and_removed_at_run_time() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let set_nickname = |text: &'static str| {
        let app = &app;
        let token = user.access_token.clone();
        async move {
            let body = json!({ "nickname": text });
            app.http
                .patch(app.url("/api/v1/me"))
                .header("authorization", bearer(&token))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(set_nickname("代开发票小王").await.status(), StatusCode::OK, "no lexicon, no filter");

    let added = app.add_word("代开发票", "advert", "block").await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: Value = added.json().await.unwrap();
    assert_eq!(entry["added_by"], "审核员小王");
    assert_eq!(entry["category"], "advert");
    assert_eq!(app.add_word("代开发票", "advert", "mask").await.status(), StatusCode::OK, "a second add replaces");
    assert_eq!(set_nickname("代开发票小王").await.json::<Value>().await.unwrap()["nickname"], "****小王");

    let listed: Value = app.internal(Method::GET, "/safety/words?list=deny", None).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["action"], "mask");

    let removed = app.internal(Method::DELETE, "/safety/words/代开发票", None).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(set_nickname("代开发票小王").await.json::<Value>().await.unwrap()["nickname"], "代开发票小王");
    let again = app.internal(Method::DELETE, "/safety/words/代开发票", None).await;
    assert_problem(again, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn bad_entries_are_refused_naming_the_field() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({ "word": "赌球", "category": "sport", "action": "block", "added_by": "小王" }), "category"),
        (json!({ "word": "赌球", "category": "gambling", "action": "delete", "added_by": "小王" }), "action"),
        (json!({ "word": "赌球", "action": "block", "added_by": "小王" }), "category"),
        (json!({ "word": "  ", "category": "gambling", "action": "block", "added_by": "小王" }), "word"),
        (json!({ "word": "@@##", "category": "gambling", "action": "block", "added_by": "小王" }), "word"),
        (json!({ "word": "赌球", "category": "gambling", "action": "block", "added_by": "" }), "added_by"),
    ] {
        let response = app.internal(Method::POST, "/safety/words", Some(body.clone())).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let listed: Value = app.internal(Method::GET, "/safety/words", None).await.json().await.unwrap();
    assert!(listed["items"].as_array().unwrap().is_empty(), "nothing half-written");
}

#[tokio::test]
async fn an_import_takes_one_word_per_line_or_word_category_action() {
    let app = spawn_app().await;
    let text = "# 运营导入\n赌球\n六合彩,gambling,review\n\n坏东西，辱骂，mask\n垃圾,unknown,block\n@@@\n";
    let response = app
        .http
        .post(format!("{}/internal/safety/words/import?category=gambling&action=block&added_by=小王", app.staff))
        .header("authorization", bearer(app.platform.config.internal.token.expose()))
        .header("content-type", "text/plain; charset=utf-8")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["added"], 3, "{report}");
    let skipped: Vec<i64> = report["skipped"].as_array().unwrap().iter().map(|s| s["line"].as_i64().unwrap()).collect();
    assert_eq!(skipped, [6, 7], "{report}");
    let listed: Value = app.internal(Method::GET, "/safety/words?limit=2", None).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let after = listed["next_after"].as_str().unwrap();
    let rest: Value = app
        .internal(Method::GET, &format!("/safety/words?limit=2&after={}", urlencode(after)), None)
        .await
        .json()
        .await
        .unwrap();
    let mut words: Vec<(String, String)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["items"].as_array().unwrap())
        .map(|w| (w["word"].as_str().unwrap().to_owned(), w["action"].as_str().unwrap().to_owned()))
        .collect();
    words.sort();
    let mut expected = vec![
        ("六合彩".to_owned(), "review".to_owned()),
        ("坏东西".to_owned(), "mask".to_owned()),
        ("赌球".to_owned(), "block".to_owned()),
    ];
    expected.sort();
    assert_eq!(words, expected);

    let allow = app
        .http
        .post(format!("{}/internal/safety/words/import?list=allow&added_by=小王", app.staff))
        .header("authorization", bearer(app.platform.config.internal.token.expose()))
        .body("赌球游戏机\n")
        .send()
        .await
        .unwrap();
    assert_eq!(allow.json::<Value>().await.unwrap()["added"], 1);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_lexicon_api_needs_the_internal_token_and_is_not_on_the_public_listener() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    assert_eq!(app.add_word("xx", "other", "mask").await.status(), StatusCode::CREATED);
    let routes = [
        (Method::GET, "/internal/safety/words"),
        (Method::POST, "/internal/safety/words"),
        (Method::POST, "/internal/safety/words/import?added_by=x"),
        (Method::DELETE, "/internal/safety/words/xx"),
        (Method::GET, "/internal/safety/hits"),
    ];
    for (method, path) in routes {
        for token in [None, Some(user.access_token.as_str()), Some("wrong")] {
            let mut public = app.http.request(method.clone(), app.url(path));
            let mut staff = app.http.request(method.clone(), format!("{}{path}", app.staff));
            if let Some(token) = token {
                public = public.header("authorization", bearer(token));
                staff = staff.header("authorization", bearer(token));
            }
            let public = public.json(&json!({})).send().await.unwrap().status();
            assert_eq!(public, StatusCode::NOT_FOUND, "{method} {path} on the public listener");
            let staff = staff.json(&json!({})).send().await.unwrap().status();
            assert_eq!(staff, StatusCode::UNAUTHORIZED, "{method} {path} on staff with {token:?}");
        }
        let internal = app.internal(method.clone(), path.trim_start_matches("/internal"), None).await.status();
        assert_ne!(internal, StatusCode::UNAUTHORIZED, "{method} {path} with the internal token");
        assert_ne!(internal, StatusCode::NOT_FOUND, "{method} {path} exists");
    }
}
