//! Staff sign-in to the console through OpenID Connect (authorization code + PKCE),
//! against the OIDC stand-in over real HTTP: roles from the groups claim, sessions in a
//! cookie with CSRF protection, timeouts, logout and key rotation.

use std::time::Duration;

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    admin_helpers::{location, no_redirects},
    helpers::{assert_problem, spawn_app, spawn_with, TestApp},
};

#[tokio::test]
async fn moderators_and_admins_sign_in_and_are_registered_on_their_first_sign_in() {
    let app = spawn_app().await;
    let moderator = app.staff_sign_in("staff-moderator").await;
    assert_eq!(moderator.me["role"], "moderator");
    assert_eq!(moderator.me["name"], "审核员 李娜");
    let forbidden = moderator.send(&app, Method::GET, "/accounts", None, true).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN, "accounts are for admins");

    let admin = app.staff_sign_in("staff-admin").await;
    assert_eq!(admin.me["role"], "admin");
    let again = app.staff_sign_in("staff-admin").await;
    assert_eq!(again.me["id"], admin.me["id"], "the second sign-in finds the same account");
    let accounts: Value = admin.send(&app, Method::GET, "/accounts", None, true).await.json().await.unwrap();
    let roles: Vec<(&str, &str)> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|account| (account["name"].as_str().unwrap(), account["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles.len(), 2, "{accounts}");
    assert!(roles.contains(&("审核员 李娜", "moderator")) && roles.contains(&("管理员 王强", "admin")));
    assert!(accounts[0]["last_sign_in_at"].is_string());
}

#[tokio::test]
async fn a_staff_member_without_a_console_role_is_refused_with_a_page_saying_so() {
    let app = spawn_app().await;
    let http = no_redirects();
    let authorize = app.staff_authorize_url(&http).await;
    let callback = app.choose_identity(&http, &authorize, "staff-norole").await;
    let answer = http.get(&callback).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert!(answer.headers().get(header::SET_COOKIE).is_none(), "no session");
    assert!(answer.text().await.unwrap().contains("没有访问权限"));
}

#[tokio::test]
async fn a_callback_is_used_once_and_a_forged_state_is_refused() {
    let app = spawn_app().await;
    let http = no_redirects();
    let authorize = app.staff_authorize_url(&http).await;
    let callback = app.choose_identity(&http, &authorize, "staff-admin").await;
    let forged = callback.replace("state=", "state=x");
    assert_eq!(http.get(&forged).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(http.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let replayed = http.get(&callback).send().await.unwrap();
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST, "a code and its state are single use");
}

#[tokio::test]
async fn the_provider_refuses_a_code_without_its_pkce_verifier() {
    let app = spawn_app().await;
    let http = no_redirects();
    let authorize = app.staff_authorize_url(&http).await;
    let callback = app.choose_identity(&http, &authorize, "staff-admin").await;
    let code = url::Url::parse(&callback).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let oidc = &app.config.admin.oidc;
    let token = http
        .post(app.url("/_standin/oidc/token"))
        .basic_auth(&oidc.client_id, Some(oidc.client_secret.expose()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", &oidc.redirect_url(&app.staff)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::BAD_REQUEST);
    assert_eq!(token.json::<Value>().await.unwrap()["error"], "invalid_request");
}

#[tokio::test]
async fn a_rotated_provider_key_still_signs_staff_in() {
    let app = spawn_app().await;
    app.staff_sign_in("staff-moderator").await;
    let rotated = no_redirects().post(app.url("/_standin/oidc/rotate")).send().await.unwrap();
    assert!(rotated.status().is_success());
    let after = app.staff_sign_in("staff-moderator").await;
    assert_eq!(after.me["role"], "moderator", "the new key is fetched from the JWKS");
}

#[tokio::test]
async fn logout_needs_the_csrf_token_and_ends_the_session() {
    let app = spawn_app().await;
    let staff = app.staff_sign_in("staff-moderator").await;
    let without = staff.send(&app, Method::POST, "/auth/logout", None, false).await;
    assert_eq!(without.status(), StatusCode::FORBIDDEN, "a state-changing request without the CSRF token");
    let out = staff.send(&app, Method::POST, "/auth/logout", None, true).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(out.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let me = staff.send(&app, Method::GET, "/me", None, true).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_idle_session_times_out() {
    let app = spawn_with(|config| config.admin.session_idle_secs = 1).await;
    let staff = app.staff_sign_in("staff-moderator").await;
    assert_eq!(staff.send(&app, Method::GET, "/me", None, true).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(staff.send(&app, Method::GET, "/me", None, true).await.status(), StatusCode::UNAUTHORIZED);
}

/// A session in use every few minutes still ends at its absolute lifetime.
#[tokio::test]
async fn a_session_in_use_ends_at_its_absolute_lifetime() {
    let app = spawn_with(|config| {
        config.admin.session_idle_secs = 600;
        config.admin.session_absolute_secs = 3600;
    })
    .await;
    let staff = app.staff_sign_in("staff-moderator").await;
    for _ in 0..7 {
        app.platform.clock.advance(Duration::from_secs(500));
        assert_eq!(staff.send(&app, Method::GET, "/me", None, true).await.status(), StatusCode::OK);
    }
    app.platform.clock.advance(Duration::from_secs(200));
    let ended = staff.send(&app, Method::GET, "/me", None, true).await;
    let body = assert_problem(ended, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(body["detail"], "the staff session expired");
    let again = staff.send(&app, Method::GET, "/me", None, true).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "the ended session is gone");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_and_scoped_to_the_console() {
    let app = spawn_app().await;
    let http = no_redirects();
    let authorize = app.staff_authorize_url(&http).await;
    let callback = app.choose_identity(&http, &authorize, "staff-admin").await;
    let answer = http.get(&callback).send().await.unwrap();
    assert_eq!(location(&answer), "/staff/");
    let cookie = answer.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/staff"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
}

/// Behind an https intranet gateway (`staff.base_url`), the session cookie is `Secure`,
/// and the console still reaches this process's own internal APIs at its bound address.
#[tokio::test]
async fn behind_an_https_gateway_the_cookie_is_secure_and_the_console_reaches_its_services() {
    let gateway = "https://staff.yujie.example";
    let app = spawn_with(|config| config.staff.base_url = gateway.into()).await;
    let http = no_redirects();
    let authorize = app.staff_authorize_url(&http).await;
    let callback = app.choose_identity(&http, &authorize, "staff-admin").await;
    assert!(callback.starts_with(&format!("{gateway}/staff/admin/auth/callback?")), "{callback}");
    // The gateway forwards the browser's request to the staff listener.
    let answer = http.get(callback.replace(gateway, &app.staff)).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let set_cookie = answer.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap();
    for path in ["/staff/admin/reports", "/staff/admin/safety/words", "/staff/admin/personas/sync"] {
        let response = http.get(format!("{}{path}", app.staff)).header(header::COOKIE, cookie).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn an_admin_signs_a_staff_account_out_everywhere_and_the_audit_log_says_so() {
    let app = spawn_app().await;
    let (laptop, phone) = (app.staff_sign_in("staff-moderator").await, app.staff_sign_in("staff-moderator").await);
    let admin = app.staff_sign_in("staff-admin").await;
    let moderator_id = laptop.me["id"].as_str().unwrap().to_owned();
    assert_eq!(open_sessions_of(&app, &moderator_id).await, 2);

    let path = format!("/accounts/{moderator_id}/sessions");
    let without_csrf = admin.send(&app, Method::DELETE, &path, None, false).await;
    assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);
    let ended = admin.send(&app, Method::DELETE, &path, None, true).await;
    assert_eq!(ended.status(), StatusCode::OK);
    assert_eq!(ended.json::<Value>().await.unwrap()["ended"], 2);
    for browser in [&laptop, &phone] {
        let me = browser.send(&app, Method::GET, "/me", None, true).await;
        assert_problem(me, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    assert_eq!(admin.send(&app, Method::GET, "/me", None, true).await.status(), StatusCode::OK, "others stay");
    assert_eq!(open_sessions_of(&app, &moderator_id).await, 0);

    let audit: Value =
        admin.send(&app, Method::GET, "/audit?action=end_sessions", None, true).await.json().await.unwrap();
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["target_id"], moderator_id.as_str());
    assert_eq!(entries[0]["actor_name"], "管理员 王强");
    assert_eq!(entries[0]["after"], json!({ "name": "审核员 李娜", "ended": 2 }));
}

#[tokio::test]
async fn a_session_past_its_idle_or_absolute_timeout_is_not_counted_as_open() {
    let app = spawn_with(|config| {
        config.admin.session_idle_secs = 600;
        config.admin.session_absolute_secs = 3600;
    })
    .await;
    let idle = app.staff_sign_in("staff-moderator").await;
    let moderator_id = idle.me["id"].as_str().unwrap().to_owned();
    assert_eq!(open_sessions_of(&app, &moderator_id).await, 1);
    app.platform.clock.advance(Duration::from_secs(700));
    assert_eq!(open_sessions_of(&app, &moderator_id).await, 0, "idle for longer than session_idle_secs");

    let busy = app.staff_sign_in("staff-moderator").await;
    for _ in 0..7 {
        app.platform.clock.advance(Duration::from_secs(500));
        assert_eq!(busy.send(&app, Method::GET, "/me", None, true).await.status(), StatusCode::OK);
    }
    assert_eq!(open_sessions_of(&app, &moderator_id).await, 1);
    app.platform.clock.advance(Duration::from_secs(200));
    assert_eq!(open_sessions_of(&app, &moderator_id).await, 0, "older than session_absolute_secs, though in use");
}

/// The account's open sessions as the accounts page shows them, asked by a freshly signed
/// in admin (whose own session is live whatever the test clock did).
async fn open_sessions_of(app: &TestApp, account_id: &str) -> i64 {
    let admin = app.staff_sign_in("staff-admin").await;
    let accounts: Value = admin.send(app, Method::GET, "/accounts", None, true).await.json().await.unwrap();
    let account = accounts.as_array().unwrap().iter().find(|account| account["id"] == account_id);
    account.unwrap_or_else(|| panic!("{account_id} not in {accounts}"))["open_sessions"].as_i64().unwrap()
}
