use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    content_helpers::jpeg_with_gps,
    helpers::{assert_problem, bearer, png, spawn_app},
};

#[tokio::test]
async fn the_community_builds_a_persona_and_a_visitor_reads_it() {
    let app = spawn_app().await;
    let creator = app.sign_in().await;

    let persona = app.create_persona(&creator.access_token, "范冰冰", &["冰冰", "Fan Bingbing"]).await;
    let id = persona["id"].as_str().unwrap();
    for entry in [
        json!({ "section": "experience", "occurred_on": "1998-04", "text": "出演《还珠格格》金锁，\n走红。" }),
        json!({ "section": "achievement", "title": "金鸡奖最佳女主角", "year": 2004, "issuer": "中国电影家协会" }),
        json!({ "section": "work", "kind": "film_tv", "title": "还珠格格", "year": 1998, "role": "金锁" }),
        json!({ "section": "work", "kind": "album", "title": "爱的", "year": 2008 }),
    ] {
        assert_eq!(app.add_entry(&creator.access_token, id, entry).await.status(), StatusCode::CREATED);
    }
    let mut photo_ids = Vec::new();
    for size in [(1600, 1200), (640, 480), (300, 500)] {
        let response = app.upload_photo(&creator.access_token, id, "p.jpg", jpeg_with_gps(size.0, size.1)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let photo: Value = response.json().await.unwrap();
        photo_ids.push(photo["id"].as_str().unwrap().to_owned());
    }
    let response = app
        .http
        .patch(app.url(&format!("/api/v1/personas/{id}")))
        .header("authorization", bearer(&creator.access_token))
        .json(&json!({ "cover_photo_id": photo_ids[0] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // A visitor reads every section, with thumbnails that load.
    let detail: Value = app.persona(id).await.json().await.unwrap();
    assert_eq!(detail["name"], "范冰冰");
    assert_eq!(detail["aliases"], json!(["冰冰", "Fan Bingbing"]));
    assert_eq!(detail["creator"]["id"], creator.user_id.as_str());
    assert_eq!(detail["experiences"][0]["text"], "出演《还珠格格》金锁，\n走红。");
    assert_eq!(detail["achievements"][0]["issuer"], "中国电影家协会");
    assert_eq!(detail["works"].as_array().unwrap().len(), 2);
    assert_eq!(detail["works"][0]["kind"], "film_tv", "works are ordered by year");
    assert_eq!(detail["photos"].as_array().unwrap().len(), 3);
    assert_eq!(detail["cover"]["id"], photo_ids[0].as_str());
    assert_eq!(detail["popularity"], 4 * 2 + 3 * 3);
    for photo in detail["photos"].as_array().unwrap() {
        assert_eq!(photo["author"]["id"], creator.user_id.as_str());
        let thumb = app.http.get(photo["thumb_url"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(thumb.status(), StatusCode::OK);
        let image = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
        assert!(image.width().max(image.height()) <= 256);
    }
    let medium = app.http.get(detail["photos"][0]["medium_url"].as_str().unwrap()).send().await.unwrap();
    let image = image::load_from_memory(&medium.bytes().await.unwrap()).unwrap();
    assert_eq!((image.width(), image.height()), (1080, 810));

    // It is found by a part of its name.
    let found: Value = app.get("/api/v1/personas/search?q=%E5%86%B0%E5%86%B0", None).await.json().await.unwrap();
    assert_eq!(found["items"][0]["id"], id);
    assert!(found["items"][0]["cover"]["thumb_url"].is_string());

    // Another user adds a photo: the creator cannot delete it, its uploader can.
    let other = app.sign_in().await;
    let response = app.upload_photo(&other.access_token, id, "mine.png", png(400, 300)).await;
    let photo: Value = response.json().await.unwrap();
    let photo_path = format!("/api/v1/personas/{id}/photos/{}", photo["id"].as_str().unwrap());
    let by_creator = app
        .http
        .delete(app.url(&photo_path))
        .header("authorization", bearer(&creator.access_token))
        .send()
        .await
        .unwrap();
    assert_problem(by_creator, StatusCode::FORBIDDEN, "forbidden").await;
    let by_uploader = app
        .http
        .delete(app.url(&photo_path))
        .header("authorization", bearer(&other.access_token))
        .send()
        .await
        .unwrap();
    assert_eq!(by_uploader.status(), StatusCode::NO_CONTENT);
    let gone = app.http.get(photo["thumb_url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND, "the stored files went with the photo");
    let detail: Value = app.persona(id).await.json().await.unwrap();
    assert_eq!(detail["photos"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn search_finds_chinese_substrings_and_aliases() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    app.create_persona(&user.access_token, "范冰冰", &[]).await;
    app.create_persona(&user.access_token, "李冰冰", &["冰姐"]).await;
    app.create_persona(&user.access_token, "章子怡", &["国际章"]).await;
    let names = |body: Value| {
        let mut names: Vec<String> =
            body["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect();
        names.sort();
        names
    };
    let app = &app;
    let search = |q: &'static str| {
        let path = format!("/api/v1/personas/search?q={}", urlencode(q));
        async move { app.get(&path, None).await }
    };
    assert_eq!(names(search("冰冰").await.json().await.unwrap()), ["李冰冰", "范冰冰"]);
    assert_eq!(names(search("范冰").await.json().await.unwrap()), ["范冰冰"]);
    assert_eq!(names(search("冰").await.json().await.unwrap()), ["李冰冰", "范冰冰"]);
    assert_eq!(names(search("冰姐").await.json().await.unwrap()), ["李冰冰"]);
    assert_eq!(names(search("国际").await.json().await.unwrap()), ["章子怡"]);
    assert!(names(search("冰范").await.json().await.unwrap()).is_empty(), "pairs in the wrong order do not match");
    let body = assert_problem(search(" ").await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
    assert_eq!(body["errors"][0]["field"], "q");
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn lists_sort_by_popularity_or_newest_and_page_by_cursor() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let mut ids = Vec::new();
    for index in 0..5 {
        ids.push(
            app.create_persona(&user.access_token, &format!("御姐{index}"), &[]).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let entry = json!({ "section": "work", "kind": "variety", "title": "乘风破浪的姐姐", "year": 2020 });
    app.add_entry(&user.access_token, &ids[1], entry).await;

    let popular: Value = app.get("/api/v1/personas?sort=popular&limit=2", None).await.json().await.unwrap();
    assert_eq!(popular["items"][0]["id"], ids[1].as_str());
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/personas?sort=new&limit=2&cursor={cursor}"),
            None => "/api/v1/personas?sort=new&limit=2".to_owned(),
        };
        let page: Value = app.get(&path, None).await.json().await.unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
    assert_problem(app.get("/api/v1/personas?sort=hot", None).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")
        .await;
    assert_problem(
        app.get("/api/v1/personas?cursor=%21%21", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
    )
    .await;
}

#[tokio::test]
async fn staff_removal_hides_an_item_everywhere_until_restored() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let persona = app.create_persona(&user.access_token, "范冰冰", &[]).await;
    let id = persona["id"].as_str().unwrap();
    let entry: Value = app
        .add_entry(&user.access_token, id, json!({ "section": "achievement", "title": "影后", "year": 2004 }))
        .await
        .json()
        .await
        .unwrap();
    let photo: Value = app.upload_photo(&user.access_token, id, "a.png", png(50, 50)).await.json().await.unwrap();
    let patch = |body: Value| {
        app.http
            .patch(app.url(&format!("/api/v1/personas/{id}")))
            .header("authorization", bearer(&user.access_token))
            .json(&body)
            .send()
    };
    assert_eq!(patch(json!({ "cover_photo_id": photo["id"] })).await.unwrap().status(), StatusCode::OK);

    app.moderate("entry", entry["id"].as_str().unwrap(), Some("虚假信息")).await;
    app.moderate("photo", photo["id"].as_str().unwrap(), Some("隐私")).await;
    let detail: Value = app.persona(id).await.json().await.unwrap();
    assert!(detail["achievements"].as_array().unwrap().is_empty());
    assert!(detail["photos"].as_array().unwrap().is_empty());
    assert!(detail["cover"].is_null(), "a removed cover is not shown");
    assert_eq!(detail["popularity"], 0);
    let list: Value = app.get("/api/v1/personas", None).await.json().await.unwrap();
    assert!(list["items"][0]["cover"].is_null());
    // The author cannot edit what staff removed.
    let path = format!("/api/v1/personas/{id}/entries/{}", entry["id"].as_str().unwrap());
    let response = app
        .http
        .put(app.url(&path))
        .header("authorization", bearer(&user.access_token))
        .json(&json!({ "section": "achievement", "title": "x", "year": 2004 }))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;

    app.moderate("persona", id, Some("不实人物")).await;
    assert_problem(app.persona(id).await, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = app.get("/api/v1/personas", None).await.json().await.unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
    let search: Value = app.get("/api/v1/personas/search?q=%E5%86%B0", None).await.json().await.unwrap();
    assert!(search["items"].as_array().unwrap().is_empty());
    assert_problem(
        app.add_entry(
            &user.access_token,
            id,
            json!({ "section": "work", "kind": "album", "title": "x", "year": 2000 }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    for (kind, item) in
        [("persona", id), ("entry", entry["id"].as_str().unwrap()), ("photo", photo["id"].as_str().unwrap())]
    {
        app.moderate(kind, item, None).await;
    }
    let detail: Value = app.persona(id).await.json().await.unwrap();
    assert_eq!(detail["achievements"].as_array().unwrap().len(), 1);
    assert_eq!(detail["cover"]["id"], photo["id"]);
    assert_eq!(detail["popularity"], 2 + 3);

    let actions: Vec<String> = app.changes_after(0, 100).await["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}:{}", c["item_kind"].as_str().unwrap(), c["action"].as_str().unwrap()))
        .collect();
    for expected in
        ["entry:removed", "photo:removed", "persona:removed", "persona:restored", "entry:restored", "photo:restored"]
    {
        assert!(actions.contains(&expected.to_owned()), "{expected} missing from {actions:?}");
    }
}

#[tokio::test]
async fn entries_and_base_fields_are_validated() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let response =
        app.post_json("/api/v1/personas", Some(&user.access_token), &json!({ "name": "", "aliases": [] })).await;
    assert_eq!(
        assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await["errors"][0]["field"],
        "name"
    );
    let persona = app.create_persona(&user.access_token, "范冰冰", &[]).await;
    let id = persona["id"].as_str().unwrap();
    for (entry, field) in [
        (json!({ "section": "experience", "occurred_on": "1998-13", "text": "x" }), "occurred_on"),
        (json!({ "section": "experience", "occurred_on": "1998", "text": "  " }), "text"),
        (json!({ "section": "achievement", "title": "x", "year": 1800 }), "year"),
        (json!({ "section": "work", "kind": "podcast", "title": "x", "year": 2000 }), "kind"),
        (json!({ "section": "work", "kind": "album", "title": "x".repeat(101), "year": 2000 }), "title"),
    ] {
        let body = assert_problem(
            app.add_entry(&user.access_token, id, entry).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        )
        .await;
        assert!(
            body["errors"][0]["field"].as_str().unwrap().contains(field)
                || body["detail"].as_str().unwrap().contains(field),
            "{field}: {body}"
        );
    }
    let entry: Value = app
        .add_entry(&user.access_token, id, json!({ "section": "achievement", "title": "x", "year": 2000 }))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/personas/{id}/entries/{}", entry["id"].as_str().unwrap());
    let response = app
        .http
        .put(app.url(&path))
        .header("authorization", bearer(&user.access_token))
        .json(&json!({ "section": "work", "kind": "album", "title": "x", "year": 2000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await["errors"][0]["field"],
        "section"
    );
    let response = app
        .http
        .patch(app.url(&format!("/api/v1/personas/{id}")))
        .header("authorization", bearer(&user.access_token))
        .json(&json!({ "cover_photo_id": "not-a-photo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await["errors"][0]["field"],
        "cover_photo_id"
    );
    let response =
        app.internal(Method::PUT, &format!("/content/items/banana/{id}/removal"), Some(json!({ "reason": "x" }))).await;
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").await;
}
