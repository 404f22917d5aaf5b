//! Every content route, for each role: visitor, the item's author (or the persona's
//! creator), another user, and a banned author.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{bearer, png, spawn_app, Session, TestApp};

#[derive(Clone, Copy, Debug)]
enum Role {
    Visitor,
    Author,
    Other,
    Banned,
}

const ROLES: [Role; 4] = [Role::Visitor, Role::Author, Role::Other, Role::Banned];

/// Fresh content owned by `author` for each request, so that deletions do not collide.
struct Fixture {
    persona_id: String,
    entry_id: String,
    photo_id: String,
}

async fn fixture(app: &TestApp, author: &Session) -> Fixture {
    let persona = app.create_persona(&author.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap().to_owned();
    let entry: Value = app
        .add_entry(
            &author.access_token,
            &persona_id,
            json!({ "section": "achievement", "title": "影后", "year": 2004 }),
        )
        .await
        .json()
        .await
        .unwrap();
    let photo: Value =
        app.upload_photo(&author.access_token, &persona_id, "a.png", png(40, 40)).await.json().await.unwrap();
    Fixture {
        persona_id,
        entry_id: entry["id"].as_str().unwrap().to_owned(),
        photo_id: photo["id"].as_str().unwrap().to_owned(),
    }
}

async fn call(app: &TestApp, route: &str, fixture: &Fixture, token: Option<&str>) -> StatusCode {
    let (p, e, ph) = (&fixture.persona_id, &fixture.entry_id, &fixture.photo_id);
    let (method, path, body): (Method, String, Option<Value>) = match route {
        "list" => (Method::GET, "/api/v1/personas".into(), None),
        "search" => (Method::GET, "/api/v1/personas/search?q=%E5%86%B0".into(), None),
        "detail" => (Method::GET, format!("/api/v1/personas/{p}"), None),
        "create persona" => (Method::POST, "/api/v1/personas".into(), Some(json!({ "name": "李冰冰" }))),
        "edit base fields" => (Method::PATCH, format!("/api/v1/personas/{p}"), Some(json!({ "aliases": ["冰冰"] }))),
        "add entry" => (
            Method::POST,
            format!("/api/v1/personas/{p}/entries"),
            Some(json!({ "section": "work", "kind": "album", "title": "爱的", "year": 2008 })),
        ),
        "edit entry" => (
            Method::PUT,
            format!("/api/v1/personas/{p}/entries/{e}"),
            Some(json!({ "section": "achievement", "title": "金鸡奖", "year": 2004 })),
        ),
        "delete entry" => (Method::DELETE, format!("/api/v1/personas/{p}/entries/{e}"), None),
        "add photo" => {
            let mut request = app.http.post(app.url(&format!("/api/v1/personas/{p}/photos")));
            if let Some(token) = token {
                request = request.header("authorization", bearer(token));
            }
            let part = reqwest::multipart::Part::bytes(png(30, 30)).file_name("x.png");
            return request
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .unwrap()
                .status();
        }
        "delete photo" => (Method::DELETE, format!("/api/v1/personas/{p}/photos/{ph}"), None),
        "internal feed on public" => (Method::GET, "/internal/content/changes".into(), None),
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
async fn content_routes_by_role() {
    use StatusCode as S;
    let app = spawn_app().await;
    let author = app.sign_in().await;
    let other = app.sign_in().await;
    let banned_author = app.sign_in().await;
    // Expected statuses for visitor, author, another user, banned author.
    let table: [(&str, [S; 4]); 11] = [
        ("list", [S::OK; 4]),
        ("search", [S::OK; 4]),
        ("detail", [S::OK; 4]),
        ("create persona", [S::UNAUTHORIZED, S::CREATED, S::CREATED, S::FORBIDDEN]),
        ("edit base fields", [S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::FORBIDDEN]),
        ("add entry", [S::UNAUTHORIZED, S::CREATED, S::CREATED, S::FORBIDDEN]),
        ("edit entry", [S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::FORBIDDEN]),
        ("delete entry", [S::UNAUTHORIZED, S::NO_CONTENT, S::FORBIDDEN, S::FORBIDDEN]),
        ("add photo", [S::UNAUTHORIZED, S::CREATED, S::CREATED, S::FORBIDDEN]),
        ("delete photo", [S::UNAUTHORIZED, S::NO_CONTENT, S::FORBIDDEN, S::FORBIDDEN]),
        ("internal feed on public", [S::NOT_FOUND; 4]),
    ];
    // The banned user's own content exists before the ban.
    let banned_fixtures = {
        let mut fixtures = Vec::new();
        for _ in 0..table.len() {
            fixtures.push(fixture(&app, &banned_author).await);
        }
        fixtures
    };
    app.ban(&banned_author.user_id, "测试").await;
    let mut failures = Vec::new();
    for (index, (route, expected)) in table.iter().enumerate() {
        for (role, want) in ROLES.iter().zip(expected) {
            let (fixture, token) = match role {
                Role::Visitor => (fixture(&app, &author).await, None),
                Role::Author => (fixture(&app, &author).await, Some(author.access_token.as_str())),
                Role::Other => (fixture(&app, &author).await, Some(other.access_token.as_str())),
                Role::Banned => (clone_fixture(&banned_fixtures[index]), Some(banned_author.access_token.as_str())),
            };
            let got = call(&app, route, &fixture, token).await;
            if got != *want {
                failures.push(format!("{route} as {role:?}: got {got}, expected {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn clone_fixture(fixture: &Fixture) -> Fixture {
    Fixture {
        persona_id: fixture.persona_id.clone(),
        entry_id: fixture.entry_id.clone(),
        photo_id: fixture.photo_id.clone(),
    }
}
