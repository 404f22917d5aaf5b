//! Every post, comment, reaction and report route, for each role: visitor, user,
//! member, the item's author (a member), and a banned member who wrote the item.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{bearer, spawn_with, Session, TestApp};

struct Fixture {
    persona_id: String,
    post_id: String,
    comment_id: String,
}

async fn fixture(app: &TestApp, author: &Session, persona_id: &str) -> Fixture {
    let post_id = app.post(&author.access_token, persona_id, "帖子").await;
    let comment: Value = app.comment(&author.access_token, &post_id, "评论", None).await;
    Fixture { persona_id: persona_id.to_owned(), post_id, comment_id: comment["id"].as_str().unwrap().to_owned() }
}

async fn call(app: &TestApp, route: &str, f: &Fixture, token: Option<&str>) -> StatusCode {
    let (p, c) = (&f.post_id, &f.comment_id);
    if route == "create post" {
        let mut form = reqwest::multipart::Form::new()
            .text("persona_id", f.persona_id.clone())
            .text("title", "新帖")
            .text("text", "正文");
        form = form.part("images", reqwest::multipart::Part::bytes(crate::helpers::png(20, 20)).file_name("a.png"));
        let mut request = app.http.post(app.url("/api/v1/posts")).multipart(form);
        if let Some(token) = token {
            request = request.header("authorization", bearer(token));
        }
        return request.send().await.unwrap().status();
    }
    let (method, path, body): (Method, String, Option<Value>) = match route {
        "global feed" => (Method::GET, "/api/v1/posts?sort=hot".into(), None),
        "own posts" => (Method::GET, "/api/v1/me/posts".into(), None),
        "persona feed" => (Method::GET, format!("/api/v1/personas/{}/posts", f.persona_id), None),
        "post" => (Method::GET, format!("/api/v1/posts/{p}"), None),
        "comments" => (Method::GET, format!("/api/v1/posts/{p}/comments"), None),
        "replies" => (Method::GET, format!("/api/v1/comments/{c}/replies"), None),
        "edit post" => (Method::PATCH, format!("/api/v1/posts/{p}"), Some(json!({ "title": "改" }))),
        "delete post" => (Method::DELETE, format!("/api/v1/posts/{p}"), None),
        "comment" => (Method::POST, format!("/api/v1/posts/{p}/comments"), Some(json!({ "text": "说点什么" }))),
        "reply" => {
            (Method::POST, format!("/api/v1/posts/{p}/comments"), Some(json!({ "text": "回复", "reply_to": c })))
        }
        "delete comment" => (Method::DELETE, format!("/api/v1/comments/{c}"), None),
        "react to post" => (Method::PUT, format!("/api/v1/posts/{p}/reaction"), Some(json!({ "reaction": "like" }))),
        "react to comment" => {
            (Method::PUT, format!("/api/v1/comments/{c}/reaction"), Some(json!({ "reaction": "dislike" })))
        }
        "report" => (
            Method::POST,
            "/api/v1/reports".into(),
            Some(json!({ "target_kind": "comment", "target_id": c, "reason": "abuse" })),
        ),
        "report queue on public" => (Method::GET, "/internal/content/reports".into(), None),
        other => panic!("unknown route {other}"),
    };
    let mut request = app.http.request(method, app.url(&path));
    if let Some(token) = token {
        request = request.header("authorization", bearer(token));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn post_routes_by_role() {
    use StatusCode as S;
    let app = spawn_with(|config| {
        for rule in ["post_create", "comment_create"] {
            config.http.rate_limits.insert(rule.into(), yujie_kernel::config::RateRule::new(1000, 3600));
        }
    })
    .await;
    let (user, member, author, banned) =
        (app.sign_in().await, app.member().await, app.member().await, app.member().await);
    let persona = app.create_persona(&author.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap().to_owned();
    // Visitor, user, member, author, banned author. Banned members read as visitors.
    let table: [(&str, [S; 5]); 16] = [
        ("global feed", [S::OK; 5]),
        ("own posts", [S::UNAUTHORIZED, S::OK, S::OK, S::OK, S::FORBIDDEN]),
        ("persona feed", [S::OK; 5]),
        ("post", [S::OK; 5]),
        ("comments", [S::OK; 5]),
        ("replies", [S::OK; 5]),
        ("create post", [S::UNAUTHORIZED, S::FORBIDDEN, S::CREATED, S::CREATED, S::FORBIDDEN]),
        ("edit post", [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::OK, S::FORBIDDEN]),
        ("delete post", [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::NO_CONTENT, S::FORBIDDEN]),
        ("comment", [S::UNAUTHORIZED, S::CREATED, S::CREATED, S::CREATED, S::FORBIDDEN]),
        ("reply", [S::UNAUTHORIZED, S::CREATED, S::CREATED, S::CREATED, S::FORBIDDEN]),
        ("delete comment", [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::NO_CONTENT, S::FORBIDDEN]),
        ("react to post", [S::UNAUTHORIZED, S::OK, S::OK, S::OK, S::FORBIDDEN]),
        ("react to comment", [S::UNAUTHORIZED, S::OK, S::OK, S::OK, S::FORBIDDEN]),
        ("report", [S::UNAUTHORIZED, S::CREATED, S::CREATED, S::CREATED, S::FORBIDDEN]),
        ("report queue on public", [S::NOT_FOUND; 5]),
    ];
    let mut banned_fixtures = Vec::new();
    for _ in 0..table.len() {
        banned_fixtures.push(fixture(&app, &banned, &persona_id).await);
    }
    app.ban(&banned.user_id, "测试").await;
    let mut failures = Vec::new();
    for (index, (route, expected)) in table.iter().enumerate() {
        for (role, want) in expected.iter().enumerate() {
            let (fixture, token) = match role {
                0 => (fixture(&app, &author, &persona_id).await, None),
                1 => (fixture(&app, &author, &persona_id).await, Some(user.access_token.as_str())),
                2 => (fixture(&app, &author, &persona_id).await, Some(member.access_token.as_str())),
                3 => (fixture(&app, &author, &persona_id).await, Some(author.access_token.as_str())),
                _ => (
                    Fixture {
                        persona_id: banned_fixtures[index].persona_id.clone(),
                        post_id: banned_fixtures[index].post_id.clone(),
                        comment_id: banned_fixtures[index].comment_id.clone(),
                    },
                    Some(banned.access_token.as_str()),
                ),
            };
            let got = call(&app, route, &fixture, token).await;
            if got != *want {
                failures.push(format!("{route} as role {role}: got {got}, expected {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
