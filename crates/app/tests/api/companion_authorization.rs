//! Every companion route for each role: visitor, user, member, banned user, and another
//! user reaching for the user's conversation, reply or call.

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    companion_helpers::spawn_companion,
    helpers::{bearer, Session, TestApp},
};

/// A conversation with one exchange and a running call, for one user.
async fn belongings(app: &TestApp, session: &Session, persona: &str) -> HashMap<&'static str, String> {
    let conversation = app.new_conversation(&session.access_token, persona).await;
    let reply = app.chat(&session.access_token, &conversation, "你好").await.reply_id();
    let call: Value = app
        .post_json("/api/v1/companion/calls", Some(&session.access_token), &json!({ "persona_id": persona }))
        .await
        .json()
        .await
        .unwrap();
    let call = call["call"]["id"].as_str().unwrap().to_owned();
    HashMap::from([("{conversation}", conversation), ("{reply}", reply), ("{call}", call)])
}

#[tokio::test]
async fn every_companion_route_checks_its_caller() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "范冰冰", &[]).await;
    let (user, member, banned, other) =
        (app.sign_in().await, app.member().await, app.sign_in().await, app.sign_in().await);
    let owned = belongings(&app, &user, &persona).await;
    let members = belongings(&app, &member, &persona).await;
    let banneds = belongings(&app, &banned, &persona).await;
    app.ban(&banned.user_id, "spam").await;

    let with_persona = json!({ "persona_id": persona });
    let routes: Vec<(Method, &str, Option<Value>, [u16; 5])> = vec![
        // (visitor, user, member, banned, other user)
        (Method::GET, "/api/v1/companion/quota", None, [401, 200, 200, 403, 200]),
        (Method::GET, "/api/v1/companion/conversations", None, [401, 200, 200, 403, 200]),
        (Method::POST, "/api/v1/companion/conversations", Some(with_persona.clone()), [401, 201, 201, 403, 201]),
        (Method::GET, "/api/v1/companion/conversations/{conversation}/messages", None, [401, 200, 200, 403, 404]),
        (
            Method::POST,
            "/api/v1/companion/conversations/{conversation}/messages",
            Some(json!({ "text": "在吗" })),
            [401, 200, 200, 403, 404],
        ),
        (Method::POST, "/api/v1/companion/replies/{reply}/dislike", Some(json!({})), [401, 204, 204, 403, 404]),
        (Method::GET, "/api/v1/companion/calls/{call}", None, [401, 200, 200, 403, 404]),
        (Method::POST, "/api/v1/companion/calls/{call}/heartbeat", None, [401, 200, 200, 403, 404]),
        (Method::POST, "/api/v1/companion/calls/{call}/hangup", None, [401, 200, 200, 403, 404]),
        // After the hang-ups above, a new call may start.
        (Method::POST, "/api/v1/companion/calls", Some(with_persona), [401, 201, 201, 403, 201]),
    ];
    for (method, template, body, expected) in routes {
        for (role, session, ids, want) in [
            ("visitor", None, &owned, expected[0]),
            ("user", Some(&user), &owned, expected[1]),
            ("member", Some(&member), &members, expected[2]),
            ("banned", Some(&banned), &banneds, expected[3]),
            ("other", Some(&other), &owned, expected[4]),
        ] {
            let path = ids.iter().fold(template.to_owned(), |path, (key, id)| path.replace(key, id));
            let mut request = app.http.request(method.clone(), app.url(&path));
            if let Some(session) = session {
                request = request.header("authorization", bearer(&session.access_token));
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), want, "{method} {template} as {role}");
            let _ = response.bytes().await;
        }
    }
}

#[tokio::test]
async fn internal_companion_routes_need_the_internal_token_and_the_staff_listener() {
    let app = spawn_companion().await;
    let user = app.sign_in().await;
    for path in ["/internal/companion/sync", "/internal/companion/feedback?persona_id=x"] {
        let public = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(public.status(), StatusCode::NOT_FOUND, "{path} on the public listener");
        let anonymous = app.http.get(format!("{}{path}", app.staff)).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path} without a token");
        let as_user =
            app.http.get(format!("{}{path}", app.staff)).header("authorization", bearer(&user.access_token)).send();
        assert_eq!(as_user.await.unwrap().status(), StatusCode::UNAUTHORIZED, "{path} with a user's token");
        let staff = app.internal(Method::GET, path.trim_start_matches("/internal"), None).await;
        assert_eq!(staff.status(), StatusCode::OK, "{path} with the internal token");
    }
    let style = app
        .http
        .put(format!("{}/internal/companion/personas/x/style", app.staff))
        .json(&json!({ "style_note": "温柔" }))
        .send()
        .await
        .unwrap();
    assert_eq!(style.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn staff_set_the_style_note_of_known_personas_only() {
    let app = spawn_companion().await;
    let creator = app.sign_in().await;
    let persona = app.persona_with_profile(&creator, "周迅", &[]).await;
    let path = format!("/companion/personas/{persona}/style");
    let set = app.internal(Method::PUT, &path, Some(json!({ "style_note": "说话带点北京腔" }))).await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(set.json::<Value>().await.unwrap(), json!({ "style_note": "说话带点北京腔", "previous": "" }));
    let changed = app.internal(Method::PUT, &path, Some(json!({ "style_note": "  " }))).await;
    assert_eq!(changed.json::<Value>().await.unwrap(), json!({ "style_note": "", "previous": "说话带点北京腔" }));
    let missing =
        app.internal(Method::PUT, "/companion/personas/nobody/style", Some(json!({ "style_note": "x" }))).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let too_long = app.internal(Method::PUT, &path, Some(json!({ "style_note": "a".repeat(2001) }))).await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
