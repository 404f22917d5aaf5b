//! Every identity route, for each role: visitor (no token), user, banned.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{bearer, png, spawn_app, Session, TestApp};

#[derive(Clone, Copy, Debug)]
enum Role {
    Visitor,
    User,
    Banned,
}

struct Case {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<serde_json::Value>,
    avatar: bool,
    /// Expected status for visitor, user and banned.
    expected: [StatusCode; 3],
}

async fn send(app: &TestApp, case: &Case, session: Option<&Session>) -> StatusCode {
    let mut request = app.http.request(case.method.clone(), app.url(&case.path));
    if let Some(session) = session {
        request = request.header("authorization", bearer(&session.access_token));
    }
    if let Some(body) = &case.body {
        let mut body = body.clone();
        if body.get("refresh_token").is_some() {
            body["refresh_token"] = json!(session.map_or("rt_none".to_owned(), |s| s.refresh_token.clone()));
        }
        request = request.json(&body);
    }
    if case.avatar {
        let part = reqwest::multipart::Part::bytes(png(32, 32)).file_name("a.png");
        request = request.multipart(reqwest::multipart::Form::new().part("file", part));
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn identity_routes_by_role() {
    use StatusCode as S;
    let app = spawn_app().await;
    let login = app.create_login().await;
    let login_id = login["login_id"].as_str().unwrap();
    let cases = [
        Case {
            name: "create login",
            method: Method::POST,
            path: "/api/v1/auth/wechat/logins".into(),
            body: None,
            avatar: false,
            expected: [S::CREATED; 3],
        },
        Case {
            name: "wait",
            method: Method::GET,
            path: format!("/api/v1/auth/wechat/logins/{login_id}?timeout_secs=0"),
            body: None,
            avatar: false,
            expected: [S::OK; 3],
        },
        Case {
            name: "unsigned callback",
            method: Method::POST,
            path: "/api/v1/auth/wechat/callback".into(),
            body: Some(json!({})),
            avatar: false,
            expected: [S::FORBIDDEN; 3],
        },
        Case {
            name: "unsigned url check",
            method: Method::GET,
            path: "/api/v1/auth/wechat/callback?echostr=x".into(),
            body: None,
            avatar: false,
            expected: [S::FORBIDDEN; 3],
        },
        Case {
            name: "me",
            method: Method::GET,
            path: "/api/v1/me".into(),
            body: None,
            avatar: false,
            expected: [S::UNAUTHORIZED, S::OK, S::FORBIDDEN],
        },
        Case {
            name: "nickname",
            method: Method::PATCH,
            path: "/api/v1/me".into(),
            body: Some(json!({ "nickname": "新名字" })),
            avatar: false,
            expected: [S::UNAUTHORIZED, S::OK, S::FORBIDDEN],
        },
        Case {
            name: "avatar",
            method: Method::PUT,
            path: "/api/v1/me/avatar".into(),
            body: None,
            avatar: true,
            expected: [S::UNAUTHORIZED, S::OK, S::FORBIDDEN],
        },
        // Refresh is keyed by the refresh token: the banned user's was revoked.
        Case {
            name: "refresh",
            method: Method::POST,
            path: "/api/v1/auth/refresh".into(),
            body: Some(json!({ "refresh_token": "" })),
            avatar: false,
            expected: [S::UNAUTHORIZED, S::OK, S::UNAUTHORIZED],
        },
        Case {
            name: "logout-all",
            method: Method::POST,
            path: "/api/v1/auth/logout-all".into(),
            body: None,
            avatar: false,
            expected: [S::UNAUTHORIZED, S::OK, S::FORBIDDEN],
        },
        Case {
            name: "logout",
            method: Method::POST,
            path: "/api/v1/auth/logout".into(),
            body: None,
            avatar: false,
            expected: [S::UNAUTHORIZED, S::NO_CONTENT, S::FORBIDDEN],
        },
        // Internal routes do not exist on the public listener, for anyone.
        Case {
            name: "internal ban on public",
            method: Method::PUT,
            path: "/internal/identity/users/x/ban".into(),
            body: Some(json!({ "reason": "x" })),
            avatar: false,
            expected: [S::NOT_FOUND; 3],
        },
        Case {
            name: "internal state on public",
            method: Method::GET,
            path: "/internal/identity/users/x/auth-state".into(),
            body: None,
            avatar: false,
            expected: [S::NOT_FOUND; 3],
        },
        Case {
            name: "metrics on public",
            method: Method::GET,
            path: "/metrics".into(),
            body: None,
            avatar: false,
            expected: [S::NOT_FOUND; 3],
        },
    ];
    let banned = app.sign_in().await;
    app.ban(&banned.user_id, "测试").await;
    let mut failures = Vec::new();
    for case in &cases {
        for (index, role) in [Role::Visitor, Role::User, Role::Banned].into_iter().enumerate() {
            // A fresh user per case: logout and refresh consume their session.
            let user = match role {
                Role::Visitor => None,
                Role::User => Some(app.sign_in().await),
                Role::Banned => Some(banned.clone()),
            };
            let status = send(&app, case, user.as_ref()).await;
            if status != case.expected[index] {
                failures.push(format!("{} as {role:?}: got {status}, expected {}", case.name, case.expected[index]));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn internal_routes_need_the_internal_token() {
    let app = spawn_app().await;
    let user = app.sign_in().await;
    let url = format!("{}/internal/identity/users/{}/auth-state", app.staff, user.user_id);
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let wrong = app.http.get(&url).header("authorization", "Bearer wrong").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let as_user = app.http.get(&url).header("authorization", bearer(&user.access_token)).send().await.unwrap();
    assert_eq!(as_user.status(), StatusCode::UNAUTHORIZED, "a user's access token is not the internal token");
    let right = app.internal(Method::GET, &format!("/identity/users/{}/auth-state", user.user_id), None).await;
    assert_eq!(right.status(), StatusCode::OK);
}
