use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn two_hundred_parallel_writes_give_two_hundred_ordered_sequence_numbers() {
    let app = spawn_app().await;
    let users = [app.sign_in().await, app.sign_in().await];
    let persona = app.create_persona(&users[0].access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap().to_owned();
    let start = app.changes_after(0, 1000).await["next_after"].as_i64().unwrap();

    let mut writes = Vec::new();
    for index in 0..200 {
        let (http, url, token) = (
            app.http.clone(),
            app.url(&format!("/api/v1/personas/{persona_id}/entries")),
            users[index % 2].access_token.clone(),
        );
        writes.push(tokio::spawn(async move {
            let entry = json!({ "section": "work", "kind": "album", "title": format!("专辑{index}"), "year": 2000 });
            http.post(url).bearer_auth(token).json(&entry).send().await.unwrap().status()
        }));
    }
    for write in writes {
        assert_eq!(write.await.unwrap(), StatusCode::CREATED);
    }

    // Read them back in pages of 37 by cursor.
    let mut seqs = Vec::new();
    let mut titles = BTreeSet::new();
    let mut after = start;
    loop {
        let page = app.changes_after(after, 37).await;
        let changes = page["changes"].as_array().unwrap();
        if changes.is_empty() {
            break;
        }
        for change in changes {
            seqs.push(change["seq"].as_i64().unwrap());
            assert_eq!(change["action"], "created");
            titles.insert(change["payload"]["title"].as_str().unwrap().to_owned());
        }
        after = page["next_after"].as_i64().unwrap();
    }
    let expected: Vec<i64> = (start + 1..=start + 200).collect();
    assert_eq!(seqs, expected, "no gaps, no repeats, in order");
    assert_eq!(titles.len(), 200);
    let detail: Value = app.persona(&persona_id).await.json().await.unwrap();
    assert_eq!(detail["works"].as_array().unwrap().len(), 200);
    assert_eq!(detail["popularity"], 400, "the popularity counter is exact");
}

#[tokio::test]
async fn the_feed_records_every_kind_of_change() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let persona = app.create_persona(&user.access_token, "范冰冰", &["冰冰"]).await;
    let id = persona["id"].as_str().unwrap();
    let entry: Value = app
        .add_entry(
            &user.access_token,
            id,
            json!({ "section": "experience", "occurred_on": "1981", "text": "出生于青岛" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let entry_path = format!("/api/v1/personas/{id}/entries/{}", entry["id"].as_str().unwrap());
    app.http
        .put(app.url(&entry_path))
        .bearer_auth(&user.access_token)
        .json(&json!({ "section": "experience", "occurred_on": "1981-09-16", "text": "出生于山东青岛" }))
        .send()
        .await
        .unwrap();
    app.http.delete(app.url(&entry_path)).bearer_auth(&user.access_token).send().await.unwrap();
    let page = app.changes_after(0, 100).await;
    let changes = page["changes"].as_array().unwrap();
    let summary: Vec<String> = changes
        .iter()
        .map(|c| format!("{}:{}", c["item_kind"].as_str().unwrap(), c["action"].as_str().unwrap()))
        .collect();
    assert_eq!(summary, ["persona:created", "entry:created", "entry:updated", "entry:deleted"]);
    assert_eq!(changes[0]["payload"]["aliases"], json!(["冰冰"]));
    assert_eq!(changes[2]["payload"]["body"], "出生于山东青岛");
    assert!(changes.iter().all(|c| c["persona_id"] == id));
    let empty = app.changes_after(page["next_after"].as_i64().unwrap(), 100).await;
    assert!(empty["changes"].as_array().unwrap().is_empty());
    assert_eq!(empty["next_after"], page["next_after"]);
}

#[tokio::test]
async fn an_unknown_sort_names_its_parameter() {
    let app = spawn_app().await;
    for path in ["/api/v1/posts?sort=bogus", "/api/v1/personas?sort=hot", "/api/v1/posts/x/comments?sort=popular"] {
        let body = assert_problem(app.get(path, None).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
        assert_eq!(body["errors"][0]["field"], "sort", "{path}: {body}");
    }
}
